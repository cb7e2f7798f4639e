// The schedulers by kind, and kind-independent entry points over a Schedule.
import {
  type NoiseSource, type Schedule, type SchedulerConfig, type SchedulerKind, type SchedulerState, type StepResult,
  freshState,
} from './common.ts';
import { ddimSchedule, ddimStep } from './ddim.ts';
import { dpmpp2mSchedule, dpmpp2mStep } from './dpmpp2m.ts';
import { eulerScaleModelInput, eulerSchedule, eulerStep } from './euler.ts';
import { eulerAncestralSchedule, eulerAncestralStep } from './eulerAncestral.ts';
import { lcmSchedule, lcmStep } from './lcm.ts';

export * from './common.ts';

export interface SchedulerInfo {
  kind: SchedulerKind;
  label: string;
  /** Draws noise during steps (needs a noise source and a seeded stream). */
  stochastic: boolean;
  supportsKarras: boolean;
}

export const SCHEDULERS: readonly SchedulerInfo[] = [
  { kind: 'ddim', label: 'DDIM', stochastic: false, supportsKarras: false },
  { kind: 'euler', label: 'Euler', stochastic: false, supportsKarras: true },
  { kind: 'euler_ancestral', label: 'Euler ancestral', stochastic: true, supportsKarras: true },
  { kind: 'dpmpp_2m', label: 'DPM++ 2M', stochastic: false, supportsKarras: true },
  { kind: 'lcm', label: 'LCM', stochastic: true, supportsKarras: false },
];

export function isSchedulerKind(value: unknown): value is SchedulerKind {
  return SCHEDULERS.some((s) => s.kind === value);
}

export function makeSchedule(kind: SchedulerKind, config: SchedulerConfig, steps: number): Schedule {
  switch (kind) {
    case 'ddim': return ddimSchedule(config, steps);
    case 'euler': return eulerSchedule(config, steps);
    case 'euler_ancestral': return eulerAncestralSchedule(config, steps);
    case 'dpmpp_2m': return dpmpp2mSchedule(config, steps);
    case 'lcm': return lcmSchedule(config, steps);
  }
}

export function initialState(_schedule: Schedule): SchedulerState {
  return freshState();
}

/** What the model sees at a step: Euler-family samplers divide by sqrt(sigma^2 + 1). */
export function scaleModelInput(schedule: Schedule, stepIndex: number, sample: Float32Array): Float32Array {
  checkIndex(schedule, stepIndex);
  return schedule.kind === 'euler' || schedule.kind === 'euler_ancestral'
    ? eulerScaleModelInput(schedule, stepIndex, sample)
    : sample.slice();
}

const noNoise: NoiseSource = () => {
  throw new Error('this step needs a noise source');
};

/** One scheduler step from the model output at `stepIndex`; never mutates its inputs. */
export function step(
  schedule: Schedule, stepIndex: number, modelOutput: Float32Array, sample: Float32Array,
  state: SchedulerState, noise: NoiseSource = noNoise,
): StepResult {
  checkIndex(schedule, stepIndex);
  switch (schedule.kind) {
    case 'ddim': return ddimStep(schedule, stepIndex, modelOutput, sample, state, noise);
    case 'euler': return eulerStep(schedule, stepIndex, modelOutput, sample, state);
    case 'euler_ancestral': return eulerAncestralStep(schedule, stepIndex, modelOutput, sample, state, noise);
    case 'dpmpp_2m': return dpmpp2mStep(schedule, stepIndex, modelOutput, sample, state);
    case 'lcm': return lcmStep(schedule, stepIndex, modelOutput, sample, state, noise);
  }
}

function checkIndex(schedule: Schedule, stepIndex: number): void {
  if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= schedule.timesteps.length) {
    throw new Error(`step index ${stepIndex} is outside 0..${schedule.timesteps.length - 1}`);
  }
}
