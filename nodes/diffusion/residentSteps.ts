// Denoise steps with the latents kept on the GPU (WebGPU): the UNet's input and output stay GPU buffers,
// guidance and the sampler step run as one linear-combination kernel with coefficients computed here
// from the scheduler record, and values come back to the CPU only for the steps that are kept.
import { linearStep, type LinearTerm, type Schedule, type SchedulerState } from '../../src/diffusion/schedulers/index.ts';
import type { Device, DeviceTensor, DeviceTerm, Traffic } from '../../src/runtime/device.ts';
import type { Cursor } from './sampling.ts';
import { batchable, batchedContext, checkGuidance, timestepTensor, type Guidance, type Unet } from './unet.ts';

/** Why these steps cannot stay on the GPU, or null when they can. */
export function residentReason(
  device: Device | string, unet: Unet, schedule: Schedule, from: number, state: SchedulerState, guidance: Guidance[], masked: boolean,
): string | null {
  if (typeof device === 'string') return device;
  if (masked) return 'inpainting blends the latent with a mask after every step, on the CPU';
  if (unet.sampleDtype !== 'float32') return `the UNet takes ${unet.sampleDtype} samples; the GPU step kernel is float32 only`;
  if (!guidance.every(batchable)) return 'prompts of different lengths run as two UNet calls, combined on the CPU';
  const plan = linearStep(schedule, from, state.previousX0 !== null);
  return typeof plan === 'string' ? plan : null;
}

export interface KeptStep { x: Float32Array; x0: Float32Array; state: SchedulerState }

export interface ResidentRun {
  device: Device;
  unet: Unet;
  schedule: Schedule;
  /** Steps [from, end) run from `cursor`. */
  from: number;
  end: number;
  cursor: Cursor;
  guidanceAt: (i: number) => Guidance;
  /** Steps whose latent and clean estimate come back to the CPU. */
  keep: (i: number) => boolean;
  signal: AbortSignal;
  /** Copies made before the first step (conditioning, the start latent, the timesteps). */
  onSetup: (copied: Traffic) => void;
  /** Awaited before the next step (a kept step's preview may be decoded there). */
  onStep: (i: number, kept: KeptStep | undefined, copied: Traffic) => void | Promise<void>;
}

const since = (t: Traffic, before: Traffic): Traffic => ({ up: t.up - before.up, down: t.down - before.down });

export async function residentSteps(r: ResidentRun): Promise<void> {
  const { device, unet, schedule, cursor } = r;
  const dims = cursor.dims;
  const n = cursor.x.length;
  const live = new Set<DeviceTensor>();
  const hold = (t: DeviceTensor) => (live.add(t), t);
  const drop = (t: DeviceTensor | null) => {
    if (t && live.delete(t)) device.release(t);
  };
  try {
    let before = { ...device.traffic };
    // One context tensor per distinct conditioning (prompt editing switches to a second one).
    const contexts = new Map<Guidance['positive'], DeviceTensor>();
    const contextAt = (i: number) => {
      const g = r.guidanceAt(i);
      let c = contexts.get(g.positive);
      if (!c) {
        checkGuidance(unet, g);
        c = hold(device.upload(batchedContext(g, dims[0])));
        contexts.set(g.positive, c);
      }
      return c;
    };
    const timesteps: DeviceTensor[] = [];
    for (let i = r.from; i < r.end; i++) {
      contextAt(i);
      timesteps[i] = hold(device.upload(timestepTensor(unet, schedule.timesteps[i])));
    }
    let x = hold(device.upload({ dtype: 'float32', dims, data: cursor.x }));
    let previousX0 = cursor.state.previousX0 ? hold(device.upload({ dtype: 'float32', dims, data: cursor.state.previousX0 })) : null;
    let state = cursor.state;
    // The model input, in each half of the batch (uncond, cond); cfg is the same at every step.
    const guided = r.guidanceAt(r.from).cfg !== 1;
    const sample = hold(device.create([dims[0] * (guided ? 2 : 1), ...dims.slice(1)]));
    r.onSetup(since(device.traffic, before));

    for (let i = r.from; i < r.end; i++) {
      r.signal.throwIfAborted();
      before = { ...device.traffic };
      const g = r.guidanceAt(i);
      const plan = linearStep(schedule, i, previousX0 !== null);
      if (typeof plan === 'string') throw new Error(`step ${i}: ${plan}`);
      for (let half = 0; half < (guided ? 2 : 1); half++) device.combine(sample, [{ of: x, coef: plan.inputScale }], { outOffset: half * n, count: n });
      const outputs = await device.run(unet.info, { sample, timestep: timesteps[i], encoder_hidden_states: contextAt(i) }, r.signal);
      for (const t of Object.values(outputs)) hold(t);
      const output = outputs.out_sample;
      if (!output) throw new Error(`${unet.info.label} gave no out_sample`);
      // Guidance folded into the step: output = uncond + cfg * (cond - uncond).
      const terms = (list: LinearTerm[], x0?: DeviceTensor): DeviceTerm[] => list.flatMap((t): DeviceTerm[] => {
        switch (t.of) {
          case 'sample': return [{ of: x, coef: t.coef }];
          case 'x0': return [{ of: x0!, coef: t.coef }];
          case 'previousX0': return [{ of: previousX0!, coef: t.coef }];
          case 'output': return guided
            ? [{ of: output, coef: t.coef * (1 - g.cfg) }, { of: output, coef: t.coef * g.cfg, offset: n }]
            : [{ of: output, coef: t.coef }];
        }
      });
      const x0 = hold(device.create(dims));
      device.combine(x0, terms(plan.x0.terms), { clamp: plan.x0.clamp });
      const next = hold(device.create(dims));
      device.combine(next, terms(plan.next, x0));
      for (const t of Object.values(outputs)) drop(t);
      drop(x);
      x = next;
      state = { ...state, stepsDone: state.stepsDone + 1 };
      let kept: KeptStep | undefined;
      if (r.keep(i)) {
        const x0Data = await device.download(x0);
        if (plan.keepsX0) state = { ...state, previousX0: x0Data.slice() };
        kept = { x: await device.download(x), x0: x0Data, state };
      }
      if (plan.keepsX0) {
        drop(previousX0);
        previousX0 = x0;
      } else {
        drop(x0);
      }
      await r.onStep(i, kept, since(device.traffic, before));
    }
  } finally {
    for (const t of live) device.release(t);
  }
}
