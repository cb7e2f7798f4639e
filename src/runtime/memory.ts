// How much memory a run may ask for at once on this engine, and sizes in words. A node declares what a run
// of it needs (src/kernel/define.ts `memory`); the executor compares that with the runtime's budget
// before the kernel allocates anything, so a size that cannot fit is refused with what to lower.

/** Float32 values, in bytes. */
export const F32 = 4;

/**
 * A budget written as a number of bytes, optionally with a unit: "512MB", "2 GiB", "1.5G". Null when it is
 * not one (the caller says so).
 */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(text);
  if (!m) return null;
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const base = m[3] ? 1024 : 1000;
  const bytes = Number(m[1]) * base ** power;
  return bytes > 0 && Number.isFinite(bytes) ? Math.floor(bytes) : null;
}

/**
 * Budgets of the browser backends, for the largest single run: onnxruntime-web's WASM heap cannot grow
 * past 4 GiB (weights, activations and copies of inputs and outputs all live there), and a WebGPU device
 * typically allows buffers of 2 to 4 GiB, besides what the tab holds in JavaScript.
 */
export const WEB_MEMORY_BUDGET: Record<string, number> = { wasm: 3 * 1024 ** 3, webgpu: 4 * 1024 ** 3 };
