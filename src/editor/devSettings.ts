// Developer settings, off for everyone else: `?fixtures=1` in the address (or localStorage 'loom.fixtures' = '1')
// lists the test fixtures among the examples and the test models (kind 'test', ids test-*) in pickers and the Models panel.
export function showFixtures(): boolean {
  try {
    return new URLSearchParams(location.search).get('fixtures') === '1' || localStorage.getItem('loom.fixtures') === '1';
  } catch {
    return false;
  }
}

export const isTestModel = (m: { id: string; kind: string }): boolean => m.kind === 'test' || m.id.startsWith('test-');

/** The models a person should see: the test models only with the developer setting. */
export function visibleModels<T extends { id: string; kind: string }>(list: readonly T[]): T[] {
  return showFixtures() ? [...list] : list.filter((m) => !isTestModel(m));
}
