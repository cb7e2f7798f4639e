// The graph document: pure data, shared by the editor, the executor and the CLI.

export const GRAPH_FORMAT = 'latent-loom/graph';
export const GRAPH_VERSION = 1;

export interface Position { x: number; y: number }
export interface PortRef { node: string; port: string }

export interface GraphNode {
  id: string;
  type: string;
  version: number;
  position: Position;
  /** Stored by name, never by position. */
  params: Record<string, unknown>;
  title?: string;
  /** Does not run: its outputs pass on what feeds its first input of the same type. */
  bypass?: boolean;
}

export interface GraphEdge { id: string; from: PortRef; to: PortRef }

/** How a document names a model it uses: by content hash, with where to get it. */
export interface ModelRef { id: string; sha256?: string; url?: string; bytes?: number }

/** A titled, coloured box on the canvas; the nodes inside it move with it. It does not affect running. */
export interface GraphGroup { id: string; title: string; color: string; position: Position; width: number; height: number }

export interface GraphDoc {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  nodes: GraphNode[];
  edges: GraphEdge[];
  models?: Record<string, ModelRef>;
  viewport?: { x: number; y: number; zoom: number };
  groups?: GraphGroup[];
}

/** One problem in a document, naming what it is about so the UI can point at it. */
export interface Problem {
  code: string;
  message: string;
  node?: string;
  port?: string;
  field?: string;
  edge?: string;
}

export function emptyGraph(): GraphDoc {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] };
}
