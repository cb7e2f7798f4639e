import conditioningCombine from './conditioningCombine.ts';
import denoise from './denoise.ts';
import loadCheckpoint from './loadCheckpoint.ts';
import noise from './noise.ts';
import pickStep from './pickStep.ts';
import scheduler from './scheduler.ts';
import textEncoder from './textEncoder.ts';
import unetStep from './unetStep.ts';
import vaeDecode from './vaeDecode.ts';
import vaeEncode from './vaeEncode.ts';

export default [loadCheckpoint, textEncoder, conditioningCombine, noise, scheduler, unetStep, denoise, pickStep, vaeDecode, vaeEncode];
