// Size limits checked before any pixel buffer is made: a float32 RGBA image of the budget is already 1 GiB.
// Within them, what an image costs is weighed against the engine's memory budget (imageNeed, which nodes
// return as their declared memory need).

export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;
/**
 * Images a browser tab decodes: 4096x4096. Decoding goes through the browser's bitmap, a canvas and its
 * ImageData besides our float copy, and the image then crosses to the page to be shown, so an 8192x8192
 * file (64 megapixels) took the tab to 7.8 GB.
 */
export const MAX_BROWSER_IMAGE_PIXELS = 16 * 1024 * 1024;
/** The largest image file Load Image reads from a path (CLI): 256 MiB. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/** Why an image of this size is refused, or null. */
export function imageSizeProblem(width: number, height: number, batch = 1, maxPixels = MAX_IMAGE_PIXELS): string | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    return `${width}x${height} is not a valid image size`;
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    return `${width}x${height} is too large: each side must be at most ${MAX_IMAGE_SIDE} pixels`;
  }
  if (width * height * batch > maxPixels) {
    const mp = (width * height * batch / 1e6).toFixed(1);
    return `${width}x${height}${batch > 1 ? ` x ${batch}` : ''} (${mp} megapixels) is over the budget of ${(maxPixels / 1e6).toFixed(1)} megapixels`;
  }
  return null;
}

export function checkImageSize(width: number, height: number, what: string, batch = 1): void {
  const problem = imageSizeProblem(width, height, batch);
  if (problem) throw new Error(`${what}: ${problem}`);
}

/** Bytes of a float32 image batch. */
export function imageBytes(width: number, height: number, channels: number, batch = 1): number {
  return width * height * channels * batch * 4;
}

/**
 * The memory need of a node making this image: the size limits first (throws, naming `what`), then `copies`
 * float buffers of its size, and `lower` for the message when that is over the budget.
 */
export function imageNeed(
  size: { width: number; height: number; channels: number; batch?: number }, what: string, lower: string, copies = 1,
): { bytes: number; lower: string } {
  const { width, height, channels, batch = 1 } = size;
  checkImageSize(width, height, what, batch);
  return { bytes: copies * imageBytes(width, height, channels, batch), lower };
}
