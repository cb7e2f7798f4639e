// The Scheduler node: which sampler runs, and what the model's scheduler_config.json asked for.
import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../src/diffusion/schedulers/index.ts';
import type { NodeContext } from '../../src/kernel/define.ts';
import type { ModelHandle } from '../../src/kernel/values.ts';
import scheduler from './scheduler.ts';

const SD15 = {
  _class_name: 'PNDMScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, clip_sample: false,
  num_train_timesteps: 1000, set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1, trained_betas: null,
};
const defaults = { sampler: 'euler', steps: 20, spacing: 'model', karras: false, eta: 0, prediction: 'model' };

async function run(params: Record<string, unknown>, config: Record<string, unknown> | null) {
  const runtime = {
    store: { readFile: async () => { if (!config) throw new Error('no file'); return new TextEncoder().encode(JSON.stringify(config)); } },
  };
  const ctx = { runtime } as unknown as NodeContext;
  const unet = { kind: 'model', id: 'm' } as unknown as ModelHandle;
  const out = await scheduler.run({ inputs: { unet }, params: { ...defaults, ...params }, ctx });
  return { schedule: (out.schedule as { schedule: Schedule }).schedule, sampler: out.sampler as string };
}

describe('Scheduler node', () => {
  it("runs the model's own sampler when asked: PNDM (PLMS) for an SD 1.5 export", async () => {
    const { schedule, sampler } = await run({ sampler: 'model', steps: 4 }, SD15);
    expect(schedule.kind).toBe('pndm');
    expect(schedule.timesteps).toEqual([751, 501, 501, 251, 1]);
    expect(sampler).toBe("PNDM (PLMS), 5 model evaluations, leading spacing, epsilon; the model's scheduler_config.json names PNDMScheduler (PNDM (PLMS) here)");
  });

  it('says what the model asked for when another sampler runs', async () => {
    const { schedule, sampler } = await run({}, SD15);
    expect(schedule.kind).toBe('euler');
    expect(sampler).toMatch(/^Euler, 20 model evaluations, .*names PNDMScheduler \(PNDM \(PLMS\) here\)$/);
  });

  it("refuses 'model' when the config names a scheduler that is not implemented", async () => {
    await expect(run({ sampler: 'model' }, { ...SD15, _class_name: 'LMSDiscreteScheduler' })).rejects.toThrow(/LMSDiscreteScheduler.*choose a sampler/);
    const { sampler } = await run({}, { ...SD15, _class_name: 'LMSDiscreteScheduler' });
    expect(sampler).toMatch(/names LMSDiscreteScheduler \(not implemented here\)$/);
  });

  it('keeps working without a scheduler_config.json', async () => {
    const { schedule, sampler } = await run({ sampler: 'ddim', steps: 4 }, null);
    expect(schedule.timesteps).toEqual([751, 501, 251, 1]);
    expect(sampler).toMatch(/the model has no scheduler_config\.json/);
  });
});
