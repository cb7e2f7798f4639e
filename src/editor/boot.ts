// Start-up: the autosaved graph if there is one, else the default example; then autosave and the engine.
import { loadGraph, emptyGraph } from '../graph/index.ts';
import type { WebBackend } from '../runtime/web.ts';
import { registry } from './catalog.ts';
import { startEngine } from './engine/session.ts';
import { readAutosave, startAutosave } from './files/autosave.ts';
import { firstStartGraph } from './files/examples.ts';
import { openLeniently } from './files/lenient.ts';
import { startHistory } from './images/history.ts';
import { checkMissingModels } from './models/modelsStore.ts';
import { getDoc, replaceDoc } from './store/graph.ts';
import { toast } from './store/ui.ts';

const BACKENDS: readonly WebBackend[] = ['auto', 'webgpu', 'wasm'];

export async function boot(): Promise<void> {
  const saved = await readAutosave();
  // Read as a file is: nodes with problems come back marked rather than losing the whole graph.
  const restored = saved !== undefined ? openLeniently(saved, registry) : undefined;
  if (restored?.ok) {
    replaceDoc(restored.doc);
  } else {
    if (restored) toast('the autosaved graph could not be restored; opened the default graph', 'error');
    const first = firstStartGraph();
    const loaded = first !== undefined ? loadGraph(first, registry) : undefined;
    replaceDoc(loaded?.ok ? loaded.doc : emptyGraph());
  }
  startAutosave();
  void startHistory();
  // ?backend=wasm picks the backend from the address, e.g. for a link or a test.
  const asked = new URLSearchParams(location.search).get('backend') as WebBackend | null;
  void startEngine(asked && BACKENDS.includes(asked) ? asked : 'auto');
  // The restored graph may name models this browser lacks (storage cleared, another profile).
  void checkMissingModels(getDoc());
}
