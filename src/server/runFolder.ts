// One planned run into its own folder, <out>/<run id>/, for the server and the queue's workers. The files
// are written into a fresh folder beside it and renamed into place when complete, so a process killed
// mid-run leaves no half-written run folder, and a run done twice (a worker presumed lost that was not)
// keeps the first complete folder: the runs are deterministic, so both hold the same bytes.
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import type { Catalog } from '../graph/catalog.ts';
import type { NodeEngine } from '../engine/client.node.ts';
import type { RunEvent } from '../engine/events.ts';
import { containedPath, makeDirectory } from '../runtime/paths.ts';
import { executeRun, fileNames } from './execute.ts';
import { OutputFiles } from './outputFiles.ts';
import type { PlannedRun } from './plan.ts';

/** A run's id is 32 hex digits; nothing else names a run folder. */
export const RUN_ID = /^[0-9a-f]{32}$/;

export interface FolderRun {
  status: 'done' | 'failed' | 'cancelled';
  files: string[];
  errors: string[];
  ms: number;
}

/** The folder of run `id` under `outDir`; an id that is not a run id is refused. */
export function runFolder(outDir: string, id: string): string {
  if (!RUN_ID.test(id)) throw new Error(`run id ${JSON.stringify(id.slice(0, 40))} is not a run id`);
  return containedPath(outDir, id, 'run');
}

export async function runIntoFolder(engine: NodeEngine, run: PlannedRun, outDir: string, catalog: Catalog, onEvent: (e: RunEvent) => void): Promise<FolderRun> {
  const final = runFolder(outDir, run.id);
  const partial = await makeDirectory(containedPath(outDir, `.partial-${run.id}-${process.pid}-${randomBytes(4).toString('hex')}`, 'run'), 'run folder');
  try {
    const { result, files } = await executeRun(engine, run.doc, { catalog, targets: run.targets, steps: run.steps, files: new OutputFiles(partial), onEvent });
    const errors = result.status === 'invalid' ? result.problems.map((p) => p.message)
      : Object.values(result.nodes).flatMap((n) => (n.state === 'failed' ? [n.message] : []));
    const status = result.status === 'done' || result.status === 'cancelled' ? result.status : 'failed';
    if (status === 'done') {
      await rename(partial, final).catch(async (e: NodeJS.ErrnoException) => {
        // Already there: an earlier attempt finished it. Anything else is a real failure.
        if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
        await rm(partial, { recursive: true, force: true });
      });
    } else await rm(partial, { recursive: true, force: true });
    return { status, files: status === 'done' ? fileNames(files) : [], errors, ms: result.ms };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}
