import { configFromDiffusers, makeSchedule, SCHEDULERS, SD15_CONFIG, type SchedulerConfig, type SchedulerKind } from '../../src/diffusion/schedulers/index.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { bool, choice, defineNode, float, int, type ModelHandle } from '../../src/kernel/define.ts';

const KINDS = SCHEDULERS.map((s) => s.kind) as [SchedulerKind, ...SchedulerKind[]];

export default defineNode({
  type: 'diffusion.scheduler', version: 1, title: 'Scheduler', category: 'Diffusion',
  description: "Timesteps, sigmas and the step rule, from the model's scheduler_config.json (as diffusers computes them).",
  inputs: { unet: { type: 'UNET', optional: true } },
  params: {
    sampler: choice({ choices: KINDS, default: 'euler' }),
    steps: int({ default: 20, min: 1, max: 1000 }),
    spacing: choice({ choices: ['model', 'leading', 'trailing', 'linspace'] as const, default: 'model' }),
    karras: bool({ default: false }),
    eta: float({ default: 0, min: 0, max: 1, step: 0.05 }),
    prediction: choice({ choices: ['model', 'epsilon', 'v_prediction'] as const, default: 'model' }),
  },
  outputs: { schedule: 'SCHEDULE' },
  async run({ inputs, params, ctx }) {
    const sampler = params.sampler as SchedulerKind;
    const base = inputs.unet ? await modelConfig(ctx.runtime, inputs.unet, sampler) : SD15_CONFIG;
    const config: SchedulerConfig = {
      ...base,
      eta: params.eta,
      useKarrasSigmas: params.karras,
      ...(params.spacing !== 'model' && { timestepSpacing: params.spacing as SchedulerConfig['timestepSpacing'] }),
      ...(params.prediction !== 'model' && { predictionType: params.prediction as SchedulerConfig['predictionType'] }),
    };
    const info = SCHEDULERS.find((s) => s.kind === sampler)!;
    if (config.useKarrasSigmas && !info.supportsKarras) throw new Error(`${info.label} has no Karras sigmas; turn "karras" off`);
    return { schedule: { kind: 'schedule', schedule: makeSchedule(sampler, config, params.steps) } };
  },
});

async function modelConfig(runtime: Runtime, unet: ModelHandle, kind: SchedulerKind): Promise<SchedulerConfig> {
  const bytes = await runtime.store.readFile(unet.id, 'scheduler/scheduler_config.json').catch(() => null);
  if (!bytes) return SD15_CONFIG;
  return configFromDiffusers(JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>, kind);
}
