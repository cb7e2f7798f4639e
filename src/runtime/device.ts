// Tensors that stay on the GPU between model runs, as the WebGPU backend offers them to kernels: upload,
// download, one kernel that combines buffers linearly, and model runs whose inputs and outputs stay there.
// Every byte of tensor data crossing between CPU and GPU through the runtime is counted in `traffic`.
import type { ModelInfo } from './runtime.ts';
import type { DType, Tensor } from './tensor.ts';

/** A tensor held on the GPU. Opaque: only the Device that made it can read or release it. */
export interface DeviceTensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
}

/** `coef` times the values of `of` from element `offset` on. */
export interface DeviceTerm { of: DeviceTensor; coef: number; offset?: number }

/** Bytes of tensor data moved so far: CPU to GPU (up) and GPU to CPU (down). */
export interface Traffic { up: number; down: number }

export interface Device {
  readonly traffic: Traffic;
  /** A copy of a CPU tensor on the GPU (counted up). */
  upload(t: Tensor): DeviceTensor;
  /** A float32 tensor on the GPU, zero-filled. */
  create(dims: number[]): DeviceTensor;
  /** The values back on the CPU (counted down). */
  download(t: DeviceTensor): Promise<Float32Array>;
  /**
   * out[outOffset + i] = sum of coef * of[offset + i] over the terms, in float32, clamped to [-clamp, clamp]
   * when given, for i below `count` (default: all of `out` from outOffset). `out` is none of the terms' tensors.
   */
  combine(out: DeviceTensor, terms: DeviceTerm[], options?: { outOffset?: number; count?: number; clamp?: number }): void;
  /** Runs a loaded model on GPU tensors; its outputs stay on the GPU. */
  run(model: ModelInfo, feeds: Record<string, DeviceTensor>, signal?: AbortSignal): Promise<Record<string, DeviceTensor>>;
  /** Frees the tensor's GPU memory; it must not be used after. */
  release(t: DeviceTensor): void;
}

export const elementCount = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
