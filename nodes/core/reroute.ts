import type { NodeDefinition } from '../../src/kernel/define.ts';
import { ANY_TYPE } from '../../src/graph/catalog.ts';

/**
 * A dot on a wire: passes on whatever is wired into it, to tidy long wires. Its ports are ANY; the
 * connection rules see through it (what its output carries is what goes in), so wrong wires are still refused.
 */
const reroute: NodeDefinition = {
  type: 'core.reroute', version: 1, title: 'Reroute', category: 'Notes',
  aliases: ['dot', 'wire', 'relay', 'pass through'],
  description: 'A dot on a wire: passes on whatever is wired into it, to tidy long wires.',
  inputs: { in: { type: ANY_TYPE } },
  outputs: { out: { type: ANY_TYPE } },
  params: {},
  async run({ inputs }) {
    return { out: inputs.in };
  },
  sketch: (_params, inputs) => ('in' in inputs ? { out: inputs.in } : {}),
};

export default reroute;
