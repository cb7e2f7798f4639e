import type { NodeDefinition } from '../api.ts';

export default [] as NodeDefinition[];
