import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { GraphDoc } from '../../graph/index.ts';
import type { ModelManifest } from '../../runtime/manifest.ts';
import { psiSuggester } from './suggestedPsi.ts';

const GAN = JSON.parse(readFileSync(new URL('../../../graphs/gan.json', import.meta.url), 'utf8')) as GraphDoc;
const manifest = (dir: string) => JSON.parse(readFileSync(new URL(`../../../models/${dir}/manifest.json`, import.meta.url), 'utf8')) as ModelManifest;
const withPsi = manifest('test/tiny-gan-psi');
const withoutPsi = manifest('test/tiny-gan');

/** The example GAN graph on `model`, its generators at truncation `psi`. */
function graph(model: string, psi: number): GraphDoc {
  return { ...GAN, nodes: GAN.nodes.map((n) => (n.type === 'model.load_gan' ? { ...n, params: { model } }
    : n.type === 'gan.generate' ? { ...n, params: { ...n.params, truncation: psi } } : n)) };
}

describe("a GAN's suggested truncation", () => {
  const generator = GAN.nodes.find((n) => n.type === 'gan.generate')!.id;
  const models = [withPsi, withoutPsi];

  it("is offered when the generator's model suggests a ψ the node does not have", () => {
    expect(withPsi.gan?.psi).toBeTypeOf('number');
    expect(psiSuggester(graph(withPsi.id, 1), generator, models)).toBe(withPsi);
  });

  it('is not offered once the node has it, for a model that suggests none, or for an unknown model', () => {
    expect(psiSuggester(graph(withPsi.id, withPsi.gan!.psi!), generator, models)).toBeUndefined();
    expect(withoutPsi.gan?.psi).toBeUndefined();
    expect(psiSuggester(graph(withoutPsi.id, 1), generator, models)).toBeUndefined();
    expect(psiSuggester(graph('not-installed', 1), generator, models)).toBeUndefined();
  });

  it('is not offered for a node the model does not feed', () => {
    const unwired = { ...graph(withPsi.id, 1), edges: [] };
    expect(psiSuggester(unwired, generator, models)).toBeUndefined();
  });
});
