// The IMAGE wire value and the helpers every image algorithm uses.

/** Images are batches of float pixels in [0, 1], channels last (NHWC). */
export interface ImageValue {
  kind: 'image';
  batch: number;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Float32Array;
}

export function image(width: number, height: number, channels: 1 | 3 | 4, data?: Float32Array, batch = 1): ImageValue {
  const n = batch * width * height * channels;
  if (data && data.length !== n) throw new Error(`image ${width}x${height}x${channels} (batch ${batch}) needs ${n} values, got ${data.length}`);
  return { kind: 'image', batch, width, height, channels, data: data ?? new Float32Array(n) };
}

/** Images (or batches) of one size as one batch, in order; a lone item is returned as it is. */
export function stack(items: ImageValue[]): ImageValue {
  if (items.length === 1) return items[0];
  const { width, height, channels } = items[0];
  const batch = items.reduce((n, img) => n + img.batch, 0);
  const data = new Float32Array(batch * width * height * channels);
  let at = 0;
  for (const img of items) {
    if (img.width !== width || img.height !== height || img.channels !== channels) {
      throw new Error(`cannot batch a ${img.width}x${img.height}x${img.channels} image with ${width}x${height}x${channels} ones`);
    }
    data.set(img.data, at);
    at += img.data.length;
  }
  return image(width, height, channels, data, batch);
}

export function isImage(v: unknown): v is ImageValue {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'image';
}
