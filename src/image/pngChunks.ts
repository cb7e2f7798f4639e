// The chunks of a PNG file, in order, up to IEND: one walk for the reader of text, the probe and the decoder.

export interface PngChunk { type: string; data: Uint8Array }

/** A chunk whose length runs past the end of the file throws, naming it. */
export function* pngChunks(bytes: Uint8Array): Generator<PngChunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) throw new Error(`chunk ${type} is cut short`);
    yield { type, data: bytes.subarray(at + 8, at + 8 + length) };
    if (type === 'IEND') return;
    at += 12 + length;
  }
}
