import { describe, expect, it } from 'vitest';
import { outOfMemoryError, outOfMemoryFailure } from './restart.ts';

describe('restarting the engine after a run that ran out of memory', () => {
  it('restarts after onnxruntime ran out of memory in a node', () => {
    expect(outOfMemoryFailure({ nodes: {
      a: { state: 'done', ms: 1, cached: false },
      d: { state: 'failed', message: 'Denoise ("d"): onnxruntime ran out of memory; try a smaller image', details: 'Error: failed to allocate a buffer of size 2199023255552' },
      v: { state: 'skipped', because: 'input "latent" comes from "d", which did not run' },
    } })).toBe('d');
    expect(outOfMemoryFailure({ nodes: { g: { state: 'failed', message: 'Grid ("g"): Array buffer allocation failed', details: 'Array buffer allocation failed' } } })).toBe('g');
    expect(outOfMemoryFailure({ nodes: { u: { state: 'failed', message: 'UNet Step ("u"): onnxruntime could not run the model', details: 'RuntimeError: Aborted(). Build with -sASSERTIONS for more info.' } } })).toBe('u');
  });

  it('does not restart after other failures, or after a run refused before it allocated', () => {
    expect(outOfMemoryFailure({ nodes: {
      n: { state: 'failed', message: 'Noise ("n"): needs about 537 MB of memory at once, over the 268 MB this engine allows (wasm); lower batch, width or height' },
      u: { state: 'failed', message: 'Upscale ("u"): the model failed', details: "Non-zero status code returned while running Conv node. Name:'c'" },
      c: { state: 'cancelled' },
    } })).toBeNull();
  });

  it('recognises an engine call that failed for memory', () => {
    expect(outOfMemoryError(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded; Cannot enlarge memory'))).toBe(true);
    expect(outOfMemoryError(new Error('the engine is not running'))).toBe(false);
  });
});
