// Super-resolution: held-out photos, 4x downscaled by each of the app's Resize filters, upscaled by loom-sr-x4 and by bicubic.
import { readdirSync, readFileSync } from 'node:fs';
import { decodeImage } from '../../src/image/decode.ts';
import { encodePng } from '../../src/image/png.ts';
import { image } from '../../src/image/value.ts';
import { psnr, ssim } from './metrics.ts';
import { type Run, doc, edge, node } from './graphs.ts';

const DEGRADATIONS = ['bicubic', 'area', 'bilinear'] as const;
interface SrRow { file: string; size: string; psnr: number; psnr_bicubic: number; ssim: number; ssim_bicubic: number }
export interface SrResult { degradation: string; rows: SrRow[]; psnr: number; psnr_bicubic: number; gain_db: number; ssim: number; ssim_bicubic: number }

export async function evalUpscaler(run: Run, photos: string): Promise<SrResult[]> {
  const rows = new Map<string, SrRow[]>(DEGRADATIONS.map((d) => [d, []]));
  for (const file of readdirSync(photos).sort()) {
    const full = await decodeImage(readFileSync(`${photos}/${file}`), file);
    const [w, h] = [full.width - (full.width % 4), full.height - (full.height % 4)];
    const hr = image(w, h, 3);
    for (let y = 0; y < h; y++) hr.data.set(full.data.subarray(y * full.width * 3, (y * full.width + w) * 3), y * w * 3);
    const url = `data:image/png;base64,${Buffer.from(await encodePng(hr)).toString('base64')}`;
    const nodes = [node('hr', 'image.load', { image: url }), node('m', 'model.load_upscaler', { model: 'loom-sr-x4' })];
    const edges = [];
    for (const d of DEGRADATIONS) {
      nodes.push(node(`lr-${d}`, 'image.resize', { mode: 'factor', factor: 0.25, filter: d }), node(`sr-${d}`, 'image.upscale'),
        node(`bicubic-${d}`, 'image.resize', { mode: 'factor', factor: 4, filter: 'bicubic' }));
      edges.push(edge('hr', 'image', `lr-${d}`, 'image'), edge(`lr-${d}`, 'image', `sr-${d}`, 'image'), edge('m', 'upscaler', `sr-${d}`, 'upscaler'),
        edge(`lr-${d}`, 'image', `bicubic-${d}`, 'image'));
    }
    const out = await run(doc(nodes, edges), DEGRADATIONS.flatMap((d) => [`sr-${d}`, `bicubic-${d}`]));
    for (const d of DEGRADATIONS) {
      const [sr, bi] = [out(`sr-${d}`), out(`bicubic-${d}`)];
      rows.get(d)!.push({ file, size: `${w}x${h}`, psnr: psnr(sr.data, hr.data), psnr_bicubic: psnr(bi.data, hr.data), ssim: ssim(sr.data, hr.data, w, h, 3), ssim_bicubic: ssim(bi.data, hr.data, w, h, 3) });
    }
  }
  return DEGRADATIONS.map((degradation) => {
    const list = rows.get(degradation)!;
    const mean = (k: Exclude<keyof SrRow, 'file' | 'size'>) => list.reduce((s, r) => s + r[k], 0) / list.length;
    return { degradation, rows: list, psnr: mean('psnr'), psnr_bicubic: mean('psnr_bicubic'), gain_db: mean('psnr') - mean('psnr_bicubic'), ssim: mean('ssim'), ssim_bicubic: mean('ssim_bicubic') };
  });
}
