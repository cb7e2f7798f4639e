// Reads the arrays of a NumPy .npz file (a zip of .npy files): uint8, little-endian int32 and fixed-width unicode arrays.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface NpyArray { dtype: string; shape: number[]; data: Uint8Array | Int32Array | string[] }

export function readNpz(path: string): Record<string, NpyArray> {
  const zip = readFileSync(path);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${path}: not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out: Record<string, NpyArray> = {};
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    let compressed = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    let local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    // NumPy writes zip64 entries: sizes and offsets may live in the 0x0001 extra field.
    const extra = zip.subarray(at + 46 + nameLen, at + 46 + nameLen + extraLen);
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const size = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        if (zip.readUInt32LE(at + 24) === 0xffffffff) f += 8; // uncompressed size
        if (compressed === 0xffffffff) { compressed = Number(extra.readBigUInt64LE(f)); f += 8; }
        if (local === 0xffffffff) local = Number(extra.readBigUInt64LE(f));
      }
      e += 4 + size;
    }
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    out[name.replace(/\.npy$/, '')] = readNpy(method === 8 ? inflateRawSync(raw) : raw, name);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function readNpy(buf: Buffer, name: string): NpyArray {
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${name}: not a .npy array`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const dtype = /'descr':\s*'([^']+)'/.exec(header)![1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = buf.subarray(start + headerLen);
  if (dtype === '|u1') return { dtype, shape, data: new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)) };
  if (dtype === '<i4') return { dtype, shape, data: new Int32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)) };
  const unicode = /^<U(\d+)$/.exec(dtype);
  if (unicode) {
    const width = Number(unicode[1]) * 4;
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: n }, (_, i) => {
      const cps: number[] = [];
      for (let k = 0; k < width; k += 4) {
        const cp = body.readUInt32LE(i * width + k);
        if (cp === 0) break;
        cps.push(cp);
      }
      return String.fromCodePoint(...cps);
    });
    return { dtype, shape, data };
  }
  throw new Error(`${name}: dtype ${dtype} is not supported here`);
}
