// Where `npm run models:train` keeps its data, checkpoints and exports (outside the work tree).
import { homedir } from 'node:os';
import { join } from 'node:path';

export const trainCache = process.env.LOOM_TRAIN_CACHE ?? join(homedir(), '.cache', 'latent-loom-train');
/** The held-out photographs of the super-resolution figures (models/train/fetch_data.sh, prepare_data.py). */
export const heldOutPhotos = join(trainCache, 'data', 'photos', 'test');
