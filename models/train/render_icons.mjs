// Render Iconify emoji icons (SVG bodies from @iconify-json/* icons.json) to PNG on white with sharp.
// Usage: node render_icons.mjs JOBS.json SIZE
// JOBS.json: [{"set": "<folder holding icons.json>", "icon": "<name>", "out": "<file.png>"}, ...]
// Existing output files are kept (the script is resumable). The icon is scaled to fit SIZE x SIZE
// (aspect ratio kept, centred), the transparent background composited on white, saved as 8-bit RGB PNG.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

const [jobsPath, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg || 128);
const jobs = JSON.parse(readFileSync(jobsPath, 'utf8'));
const sets = new Map();

function loadSet(folder) {
  if (!sets.has(folder)) sets.set(folder, JSON.parse(readFileSync(`${folder}/icons.json`, 'utf8')));
  return sets.get(folder);
}

/** The icon's body and view box, following aliases to their parent (aliases of emoji sets carry no transforms). */
function resolve(set, name) {
  for (let depth = 0; depth < 8; depth++) {
    const icon = set.icons[name];
    if (icon) {
      return { body: icon.body, left: icon.left ?? set.left ?? 0, top: icon.top ?? set.top ?? 0,
        width: icon.width ?? set.width ?? 16, height: icon.height ?? set.height ?? 16 };
    }
    const alias = set.aliases?.[name];
    if (!alias) break;
    name = alias.parent;
  }
  throw new Error(`icon not found: ${name}`);
}

let done = 0;
for (const job of jobs) {
  if (existsSync(job.out)) continue;
  const { body, left, top, width, height } = resolve(loadSet(job.set), job.icon);
  const scale = size / Math.max(width, height);
  const [w, h] = [Math.round(width * scale), Math.round(height * scale)];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${h}" viewBox="${left} ${top} ${width} ${height}">${body}</svg>`;
  const icon = await sharp(Buffer.from(svg), { density: 72 }).resize(w, h).png().toBuffer();
  mkdirSync(dirname(job.out), { recursive: true });
  await sharp({ create: { width: size, height: size, channels: 3, background: '#ffffff' } })
    .composite([{ input: icon, left: Math.floor((size - w) / 2), top: Math.floor((size - h) / 2) }])
    .removeAlpha().png().toFile(job.out);
  done++;
}
console.log(`rendered ${done} icons (${jobs.length - done} already there)`);
