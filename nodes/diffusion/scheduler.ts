import {
  configFromDiffusers, kindForDiffusersClass, makeSchedule, schedulerOf, SCHEDULERS, SD15_CONFIG, type SchedulerConfig,
  type SchedulerKind,
} from '../../src/diffusion/schedulers/index.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { bool, choice, defineNode, float, int, type ModelHandle, type ParamValues } from '../../src/kernel/define.ts';

const KINDS = SCHEDULERS.map((s) => s.kind);
/** 'model' runs the sampler the model's scheduler_config.json names (as diffusers' pipeline would). */
const SAMPLERS = ['model', ...KINDS] as ['model', ...SchedulerKind[]];

const PARAMS = {
  sampler: choice({ choices: SAMPLERS, default: 'euler' }),
  steps: int({ default: 20, min: 1, max: 1000 }),
  spacing: choice({ choices: ['model', 'leading', 'trailing', 'linspace'] as const, default: 'model' }),
  karras: bool({ default: false }),
  eta: float({ default: 0, min: 0, max: 1, step: 0.05 }),
  prediction: choice({ choices: ['model', 'epsilon', 'v_prediction'] as const, default: 'model' }),
};

export default defineNode({
  type: 'diffusion.scheduler', version: 1, title: 'Scheduler', category: 'Diffusion',
  aliases: ['sampler select', 'sigmas', 'karras', 'euler', 'ddim', 'dpm++', 'lcm', 'basic scheduler'],
  description: "Timesteps, sigmas and the step rule, from the model's scheduler_config.json (as diffusers computes them). " +
    "Sampler 'model' runs the one the config names (PNDM for SD 1.5 exports); the 'sampler' output says which ran and what the model asked for.",
  inputs: { unet: { type: 'UNET', optional: true } },
  params: PARAMS,
  outputs: { schedule: 'SCHEDULE', sampler: 'TEXT' },
  run: ({ inputs, params, ctx }) => scheduleFor(params, inputs.unet, ctx.runtime),
  // Pure arithmetic on the model's config: the check before the run counts the real steps.
  sketch: (params, { unet }, { runtime, unknown }) => (unknown.includes('unet') ? {} : scheduleFor(params, unet, runtime)),
});

async function scheduleFor(params: ParamValues<typeof PARAMS>, unet: ModelHandle | undefined, runtime: Runtime) {
  const json = unet ? await modelConfigJson(runtime, unet) : null;
  const asked = json ? json._class_name : undefined;
  const askedKind = json ? kindForDiffusersClass(asked) : 'pndm'; // no model: SD 1.5's own PNDM
  let sampler: SchedulerKind;
  if (params.sampler === 'model') {
    if (!askedKind) {
      throw new Error(`the model's scheduler_config.json names ${typeof asked === 'string' ? asked : 'no scheduler class'}, which is not implemented here; choose a sampler`);
    }
    sampler = askedKind;
  } else {
    sampler = params.sampler;
  }
  const base = json ? configFromDiffusers(json, sampler) : SD15_CONFIG;
  const config: SchedulerConfig = {
    ...base,
    eta: params.eta,
    useKarrasSigmas: params.karras,
    ...(params.spacing !== 'model' && { timestepSpacing: params.spacing }),
    ...(params.prediction !== 'model' && { predictionType: params.prediction }),
  };
  const info = schedulerOf(sampler);
  if (config.useKarrasSigmas && !info.supportsKarras) throw new Error(`${info.label} has no Karras sigmas; turn "karras" off`);
  const schedule = makeSchedule(sampler, config, params.steps);
  return { schedule: { kind: 'schedule' as const, schedule }, sampler: describe(info.label, schedule.timesteps.length, config, json, asked, !!unet) };
}

/** E.g. "Euler, 20 steps, leading spacing; the model's scheduler_config.json names PNDMScheduler (PNDM (PLMS) here)". */
function describe(
  label: string, evaluations: number, config: SchedulerConfig, json: Record<string, unknown> | null, asked: unknown, hasModel: boolean,
): string {
  const runs = `${label}${config.useKarrasSigmas ? ' Karras' : ''}, ${evaluations} model evaluations, ${config.timestepSpacing} spacing, ${config.predictionType}`;
  if (!json) return `${runs}; ${hasModel ? 'the model has no scheduler_config.json' : 'no model connected'} (SD 1.5's settings)`;
  if (typeof asked !== 'string') return `${runs}; the model's scheduler_config.json names no scheduler class`;
  const ours = kindForDiffusersClass(asked);
  return `${runs}; the model's scheduler_config.json names ${asked} (${ours ? `${schedulerOf(ours).label} here` : 'not implemented here'})`;
}

async function modelConfigJson(runtime: Runtime, unet: ModelHandle): Promise<Record<string, unknown> | null> {
  const bytes = await runtime.store.readFile(unet.id, 'scheduler/scheduler_config.json').catch(() => null);
  return bytes ? JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown> : null;
}
