// The truncation ψ a GAN's makers suggest (its manifest's gan.psi), for the GAN Generator it feeds: the
// node's own default is 1, which suits no generator in particular.
import type { GraphDoc } from '../../graph/index.ts';
import type { ModelManifest } from '../../runtime/manifest.ts';

/**
 * The manifest of the installed model a GAN Generator's `gan` input comes from (through its Load GAN), if
 * any. A stored object, so a React selector may return it.
 */
export function ganFeeding(doc: GraphDoc, nodeId: string, models: readonly ModelManifest[]): ModelManifest | undefined {
  const feed = doc.edges.find((e) => e.to.node === nodeId && e.to.port === 'gan');
  const loader = feed && doc.nodes.find((n) => n.id === feed.from.node);
  const id = loader?.params.model;
  return typeof id === 'string' ? models.find((m) => m.id === id) : undefined;
}

/** That manifest when it suggests a ψ the node does not have. */
export function psiSuggester(doc: GraphDoc, nodeId: string, models: readonly ModelManifest[]): ModelManifest | undefined {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const manifest = node && ganFeeding(doc, nodeId, models);
  const psi = manifest?.gan?.psi;
  return psi === undefined || node!.params.truncation === psi ? undefined : manifest;
}
