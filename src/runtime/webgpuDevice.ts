// The Device of device.ts on onnxruntime-web's own GPUDevice: buffers it can read as model inputs, and a
// WGSL kernel for linear combinations of them (a sampler step, classifier-free guidance).
import { elementCount, type Device, type DeviceTensor, type DeviceTerm, type Traffic } from './device.ts';
import type { ModelInfo } from './runtime.ts';
import type { DType, Tensor } from './tensor.ts';

const MAX_TERMS = 8;
const WORKGROUP = 64;
const MAX_GROUPS = 65535;
const BYTES: Record<DType, number> = { float32: 4, float16: 2, int32: 4, int64: 8, uint8: 1, bool: 1 };

/** A GPU tensor: a buffer of ours, or one onnxruntime made for an output (freed through `free`). */
export class GpuTensor implements DeviceTensor {
  constructor(readonly dtype: DType, readonly dims: readonly number[], readonly buffer: GPUBuffer, readonly free: () => void) {}
}

/** Runs a model with its inputs and outputs on the GPU; supplied by the onnxruntime adapter. */
export type DeviceRunner = (model: ModelInfo, feeds: Record<string, GpuTensor>, signal?: AbortSignal) => Promise<Record<string, GpuTensor>>;

/** out[o + i] = clamp(sum_k coef_k * in_k[off_k + i]), one invocation per element; float32 throughout. */
function combineShader(terms: number): string {
  const inputs = Array.from({ length: terms }, (_, k) => `@group(0) @binding(${k + 2}) var<storage, read> in${k}: array<f32>;`).join('\n');
  const sum = Array.from({ length: terms }, (_, k) => `  v = v + p.coefs[${k >> 2}][${k & 3}] * in${k}[p.offsets[${k >> 2}][${k & 3}] + i];`).join('\n');
  return `
struct Params { count: u32, outOffset: u32, clampOn: u32, clampValue: f32, rowStride: u32, pad0: u32, pad1: u32, pad2: u32,
  offsets: array<vec4<u32>, 2>, coefs: array<vec4<f32>, 2> };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
${inputs}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y * p.rowStride + id.x;
  if (i >= p.count) { return; }
  var v: f32 = 0.0;
${sum}
  if (p.clampOn != 0u) { v = clamp(v, -p.clampValue, p.clampValue); }
  out[p.outOffset + i] = v;
}`;
}

export class WebGpuDevice implements Device {
  readonly traffic: Traffic;
  private readonly pipelines = new Map<number, GPUComputePipeline>();
  private readonly params: GPUBuffer;

  constructor(private readonly device: GPUDevice, traffic: Traffic, private readonly runner: DeviceRunner) {
    this.traffic = traffic;
    this.params = device.createBuffer({ size: 96, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  private buffer(bytes: number): GPUBuffer {
    // onnxruntime reads and writes model inputs and outputs as storage, and copies whole 16-byte blocks
    // of them (an 8-byte int64 timestep in an 8-byte buffer reaches the model as garbage).
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  upload(t: Tensor): DeviceTensor {
    const bytes = t.data.byteLength;
    const buffer = this.buffer(bytes);
    const padded = new Uint8Array(buffer.size);
    padded.set(new Uint8Array(t.data.buffer, t.data.byteOffset, bytes));
    this.device.queue.writeBuffer(buffer, 0, padded);
    this.traffic.up += bytes;
    return new GpuTensor(t.dtype, [...t.dims], buffer, () => buffer.destroy());
  }

  create(dims: number[]): DeviceTensor {
    const buffer = this.buffer(elementCount(dims) * 4); // WebGPU buffers start zeroed
    return new GpuTensor('float32', [...dims], buffer, () => buffer.destroy());
  }

  async download(t: DeviceTensor): Promise<Float32Array> {
    const g = own(t);
    if (g.dtype !== 'float32') throw new Error(`download reads float32 tensors, this one is ${g.dtype}`);
    const bytes = elementCount(g.dims) * 4;
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(g.buffer, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
      const data = new Float32Array(staging.getMappedRange().slice(0));
      this.traffic.down += bytes;
      return data;
    } finally {
      staging.destroy();
    }
  }

  combine(out: DeviceTensor, terms: DeviceTerm[], options: { outOffset?: number; count?: number; clamp?: number } = {}): void {
    const o = own(out);
    if (terms.length < 1 || terms.length > MAX_TERMS) throw new Error(`combine takes 1 to ${MAX_TERMS} terms, got ${terms.length}`);
    const outOffset = options.outOffset ?? 0;
    const count = options.count ?? elementCount(o.dims) - outOffset;
    if (outOffset + count > elementCount(o.dims)) throw new Error(`combine writes ${count} values from ${outOffset} into a tensor of ${elementCount(o.dims)}`);
    for (const t of terms) {
      const g = own(t.of);
      if (g === o) throw new Error('combine cannot read the tensor it writes');
      if ((t.offset ?? 0) + count > elementCount(g.dims)) throw new Error(`a term reads ${count} values from ${t.offset ?? 0} of a tensor of ${elementCount(g.dims)}`);
    }
    const groups = Math.ceil(count / WORKGROUP);
    const nx = Math.min(groups, MAX_GROUPS);
    const ny = Math.ceil(groups / nx);
    const params = new ArrayBuffer(96);
    const u32 = new Uint32Array(params);
    const f32 = new Float32Array(params);
    u32[0] = count;
    u32[1] = outOffset;
    u32[2] = options.clamp === undefined ? 0 : 1;
    f32[3] = options.clamp ?? 0;
    u32[4] = nx * WORKGROUP;
    terms.forEach((t, k) => {
      u32[8 + k] = t.offset ?? 0;
      f32[16 + k] = t.coef;
    });
    // Written on the queue before this submit, so each dispatch sees its own parameters.
    this.device.queue.writeBuffer(this.params, 0, params);
    const pipeline = this.pipeline(terms.length);
    const bind = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: { buffer: o.buffer } },
        ...terms.map((t, k) => ({ binding: k + 2, resource: { buffer: own(t.of).buffer } })),
      ],
    });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(nx, ny);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  private pipeline(terms: number): GPUComputePipeline {
    let p = this.pipelines.get(terms);
    if (!p) {
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module: this.device.createShaderModule({ code: combineShader(terms) }), entryPoint: 'main' } });
      this.pipelines.set(terms, p);
    }
    return p;
  }

  run(model: ModelInfo, feeds: Record<string, DeviceTensor>, signal?: AbortSignal): Promise<Record<string, DeviceTensor>> {
    const owned: Record<string, GpuTensor> = {};
    for (const [name, t] of Object.entries(feeds)) owned[name] = own(t);
    return this.runner(model, owned, signal);
  }

  release(t: DeviceTensor): void {
    own(t).free();
  }
}

function own(t: DeviceTensor): GpuTensor {
  if (!(t instanceof GpuTensor)) throw new Error('not a tensor of this GPU');
  return t;
}

export const dtypeBytes = (dtype: DType): number => BYTES[dtype];
