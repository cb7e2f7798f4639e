// Euler ancestral, as diffusers' EulerAncestralDiscreteScheduler: an Euler step down to sigma_down,
// then fresh noise of size sigma_up. Karras sigmas, when asked for, are built as for Euler.
import { type NoiseSource, type Schedule, type SchedulerConfig, type SchedulerState, type StepResult } from './common.ts';
import { eulerFamilySchedule, eulerX0 } from './euler.ts';

export { eulerScaleModelInput as eulerAncestralScaleModelInput } from './euler.ts';

export function eulerAncestralSchedule(config: SchedulerConfig, steps: number): Schedule {
  return eulerFamilySchedule('euler_ancestral', config, steps);
}

export function eulerAncestralStep(
  schedule: Schedule, stepIndex: number, modelOutput: Float32Array, sample: Float32Array,
  state: SchedulerState, noise: NoiseSource,
): StepResult {
  const sigma = schedule.sigmas[stepIndex];
  const next = schedule.sigmas[stepIndex + 1];
  const predOriginal = eulerX0(schedule, sigma, modelOutput, sample);
  const sigmaUp = Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma));
  const sigmaDown = Math.sqrt(Math.max(0, next * next - sigmaUp * sigmaUp));
  const ratio = (sigmaDown - sigma) / sigma;
  const z = noise(sample.length);
  if (z.length !== sample.length) throw new Error('noise source returned the wrong length');
  const prevSample = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i] + (sample[i] - predOriginal[i]) * ratio;
    prevSample[i] = Math.fround(x) + z[i] * sigmaUp;
  }
  return { prevSample, predOriginal, state: { ...state, stepsDone: state.stepsDone + 1 } };
}
