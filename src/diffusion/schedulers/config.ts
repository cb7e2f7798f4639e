// Scheduler settings, and reading them from a diffusers scheduler_config.json.

export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export type PredictionType = 'epsilon' | 'v_prediction';
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

export interface SchedulerConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
  stepsOffset: number;
  useKarrasSigmas: boolean;
  /** DDIM: 0 is deterministic, 1 is DDPM-like. */
  eta: number;
  /** DDIM/LCM/PNDM: alpha_cumprod used past the last step (1, or the first training value). */
  setAlphaToOne: boolean;
  /** DDIM/LCM: clamp the predicted clean sample to [-clipSampleRange, clipSampleRange]. */
  clipSample: boolean;
  clipSampleRange: number;
  /** LCM: the distillation schedule length and the boundary-condition time scale. */
  originalInferenceSteps: number;
  timestepScaling: number;
  /** DPM++ 2M and Euler: end at sigma 0 or at the smallest training sigma. */
  finalSigmasType: 'zero' | 'sigma_min';
  /** DPM++ 2M: first-order last step for schedules under 15 steps. */
  lowerOrderFinal: boolean;
  /** PNDM: PLMS only (Stable Diffusion's setting), or 12 Runge-Kutta steps first. */
  skipPrkSteps: boolean;
}

/** Stable Diffusion 1.x's scheduler_config.json as its own PNDM/DDIM classes read it (leading spacing). */
export const SD15_CONFIG: SchedulerConfig = {
  numTrainTimesteps: 1000, betaStart: 0.00085, betaEnd: 0.012, betaSchedule: 'scaled_linear',
  predictionType: 'epsilon', timestepSpacing: 'leading', stepsOffset: 1, useKarrasSigmas: false,
  eta: 0, setAlphaToOne: false, clipSample: false, clipSampleRange: 1,
  originalInferenceSteps: 50, timestepScaling: 10, finalSigmasType: 'zero', lowerOrderFinal: true,
  skipPrkSteps: true,
};

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? value as T : fallback;
}
function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/**
 * Reads a diffusers scheduler/scheduler_config.json. Keys it leaves out take `classDefaults` (the
 * defaults of the diffusers class a sampler follows, as `SomeScheduler.from_config(json)` would), or
 * generic ones.
 */
export function readSchedulerConfig(json: Record<string, unknown>, classDefaults: Record<string, unknown> = {}): SchedulerConfig {
  json = { ...classDefaults, ...json };
  // Settings that would change the math and are not implemented: refuse rather than differ.
  const unsupported: [string, (v: unknown) => boolean][] = [
    ['beta_schedule', (v) => typeof v === 'string' && !['linear', 'scaled_linear', 'squaredcos_cap_v2'].includes(v)],
    ['prediction_type', (v) => typeof v === 'string' && !['epsilon', 'v_prediction'].includes(v)],
    ['timestep_spacing', (v) => typeof v === 'string' && !['leading', 'trailing', 'linspace'].includes(v)],
    ['trained_betas', (v) => Array.isArray(v)],
    ['rescale_betas_zero_snr', (v) => v === true],
    ['thresholding', (v) => v === true],
    ['interpolation_type', (v) => typeof v === 'string' && v !== 'linear'],
    ['timestep_type', (v) => typeof v === 'string' && v !== 'discrete'],
  ];
  for (const [key, bad] of unsupported) {
    if (bad(json[key])) throw new Error(`unsupported scheduler setting ${key}: ${JSON.stringify(json[key])}`);
  }
  const schedule = json.beta_schedule;
  const prediction = json.prediction_type;
  return {
    numTrainTimesteps: num(json.num_train_timesteps, 1000),
    betaStart: num(json.beta_start, 0.0001),
    betaEnd: num(json.beta_end, 0.02),
    betaSchedule: pick(schedule, ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const, 'linear'),
    predictionType: pick(prediction, ['epsilon', 'v_prediction'] as const, 'epsilon'),
    timestepSpacing: pick(json.timestep_spacing, ['leading', 'trailing', 'linspace'] as const, 'leading'),
    stepsOffset: num(json.steps_offset, 0),
    useKarrasSigmas: bool(json.use_karras_sigmas, false),
    eta: num(json.eta, 0),
    setAlphaToOne: bool(json.set_alpha_to_one, false),
    clipSample: bool(json.clip_sample, false),
    clipSampleRange: num(json.clip_sample_range, 1),
    originalInferenceSteps: num(json.original_inference_steps, 50),
    timestepScaling: num(json.timestep_scaling, 10),
    finalSigmasType: pick(json.final_sigmas_type, ['zero', 'sigma_min'] as const, 'zero'),
    lowerOrderFinal: bool(json.lower_order_final, true),
    skipPrkSteps: bool(json.skip_prk_steps, false),
  };
}
