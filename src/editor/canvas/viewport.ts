// The canvas registers how to read its viewport, so a saved file remembers where the user was looking.
type Viewport = { x: number; y: number; zoom: number };

let read: (() => Viewport) | null = null;

export function setViewportReader(fn: (() => Viewport) | null): void {
  read = fn;
}

export function currentViewport(): Viewport | undefined {
  if (!read) return undefined;
  const { x, y, zoom } = read();
  return { x: Math.round(x), y: Math.round(y), zoom: Math.round(zoom * 1000) / 1000 };
}
