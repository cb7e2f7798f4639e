// Euler ancestral, as diffusers' EulerAncestralDiscreteScheduler: an Euler step down to sigma_down,
// then fresh noise of size sigma_up. Karras sigmas (which diffusers' class lacks), when asked for,
// are built as for Euler.
import { addNoiseAtSigma, type SchedulerDef, freshState, sqrtf } from './common.ts';
import { eulerFamilySchedule, eulerMove, eulerScaleModelInput, eulerX0 } from './euler.ts';
import { f } from './float32.ts';

export const eulerAncestral: SchedulerDef<'euler_ancestral'> = {
  kind: 'euler_ancestral',
  label: 'Euler ancestral',
  diffusersClass: 'EulerAncestralDiscreteScheduler',
  supportsKarras: true,
  classDefaults: { timestep_spacing: 'linspace' },
  schedule: (config, steps, cumprod) => eulerFamilySchedule(config, steps, cumprod, false),
  scaleModelInput: eulerScaleModelInput,
  step(schedule, stepIndex, modelOutput, sample, state, noise) {
    const sigma = schedule.sigmas[stepIndex];
    const next = schedule.sigmas[stepIndex + 1];
    const predOriginal = eulerX0(schedule, sigma, modelOutput, sample);
    // (sigma_to**2 * (sigma_from**2 - sigma_to**2) / sigma_from**2) ** 0.5, and (sigma_to**2 - sigma_up**2) ** 0.5
    const from2 = f(sigma * sigma);
    const to2 = f(next * next);
    const sigmaUp = sqrtf(f(f(to2 * f(from2 - to2)) / from2));
    const sigmaDown = sqrtf(Math.max(0, f(to2 - f(sigmaUp * sigmaUp))));
    const moved = eulerMove(sample, predOriginal, sigma, f(sigmaDown - sigma));
    const z = noise(sample.length);
    if (z.length !== sample.length) throw new Error('noise source returned the wrong length');
    const prevSample = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) prevSample[i] = moved[i] + f(z[i] * sigmaUp);
    return { prevSample, predOriginal, state: { ...state, stepsDone: state.stepsDone + 1 } };
  },
  freshState,
  linear: () => 'Euler ancestral draws fresh noise at every step',
  addNoise: addNoiseAtSigma,
};
