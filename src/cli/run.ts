// `latent-loom run graph.json --out dir/`: runs a saved graph headlessly and writes its images as PNG.
import { availableParallelism } from 'node:os';
import { appendFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { loadGraph } from '../graph/validate.ts';
import { clip, quote } from '../graph/text.ts';
import { builtinRegistry } from '../../nodes/registry.ts';
import type { GraphDoc } from '../graph/types.ts';
import { startNodeEngine } from '../engine/client.node.ts';
import type { RunEvent } from '../engine/events.ts';
import { readLocalFile } from '../image/source.ts';
import { userModelRoots } from '../models/disk.ts';
import { makeDirectory } from '../runtime/paths.ts';
import { boolFlag, checkFlags, flag, intFlag, UsageError, wantsHelp, type Args } from './args.ts';
import { readGraphFile } from './graphFile.ts';
import { executeRun } from '../server/execute.ts';
import { OutputFiles } from '../server/outputFiles.ts';
import { MAX_RUNS, planRuns } from '../server/plan.ts';

/** onnxruntime's threads: from 1 to this. More only costs memory (a billion fails to allocate). */
export const MAX_THREADS = Math.max(64, availableParallelism() * 4);

export const RUN_USAGE = `  latent-loom run graph.json [--out DIR] [--set NODE.PARAM=VALUE]... [--sweep NODE.PARAM=VALUES]...
                  [--prompts [NODE=]FILE] [--target NODE]... [--threads N] [--models DIR]...
                  [--steps true|false] [--verbose]

  Runs every output node of the graph (or only what each --target needs) and writes the images as PNG
  into --out (default ./out): output nodes as <node id>.png, Save Image nodes under their file name,
  and every Denoise step as <node id>-step-<k>.png unless --steps false. File names keep letters,
  digits, '.', '_' and '-' of the id; two outputs with the same name get -2, -3… added.
  --set NODE.PARAM=VALUE    sets a param for this run: NODE is a node's id or title; repeatable
  --sweep NODE.PARAM=A..B   runs the graph once per whole number from A to B, or per value of a
  --sweep NODE.PARAM=X,Y,Z  list; several sweeps run every combination (at most ${MAX_RUNS} runs). What
                            the runs share upstream is computed once. Files get the run's values in
                            their names (output.noise.seed-5.png); steps are off unless --steps true
  --prompts [NODE=]FILE     one run per non-empty line of FILE, as the text of Prompt node NODE (or
                            of the graph's only Prompt node); "positive.text-3" names the third line
  With --set, --sweep or --prompts, --out also gets runs.jsonl: one line per run with its id, its
  overrides, status, time and files.
  --threads N    onnxruntime threads, 1 to ${MAX_THREADS} (default: one per CPU core)
  --models DIR   another folder of model folders (each with a manifest.json); repeatable
  --verbose      print onnxruntime's own message under a failed node's error
  Exit status: 0 when every node ran, 1 when a node failed, 2 when the graph or an option is invalid.`;

const RUN_FLAGS = ['out', 'target', 'threads', 'models', 'steps', 'verbose', 'set', 'sweep', 'prompts'];

/** Most lines read from a --prompts file (each one a run). */
const MAX_PROMPT_FILE_BYTES = 16 * 1024 * 1024;

export async function runCommand(args: Args, log: (line: string) => void): Promise<number> {
  if (wantsHelp(args)) {
    log(`usage:\n${RUN_USAGE}`);
    return 0;
  }
  checkFlags(args, RUN_FLAGS, RUN_USAGE);
  const [file] = args.positionals;
  if (!file) throw new UsageError(`usage:\n${RUN_USAGE}`);
  const threads = intFlag(args, 'threads', 1, MAX_THREADS);
  const verbose = boolFlag(args, 'verbose', false);
  const set = (args.flags.get('set') ?? []).map((s) => assignment('--set', s));
  const sweep = (args.flags.get('sweep') ?? []).map((s) => assignment('--sweep', s));
  const promptsFlag = flag(args, 'prompts');
  const batch = set.length > 0 || sweep.length > 0 || promptsFlag !== undefined;
  const many = sweep.length > 0 || promptsFlag !== undefined;
  // A sweep writes no steps unless asked: a thousand seeds times every step is rarely wanted.
  const steps = boolFlag(args, 'steps', !many);
  const text = await readGraphFile(file);
  const registry = builtinRegistry();
  const loaded = loadGraph(text, registry);
  if (!loaded.ok) {
    for (const p of loaded.problems) log(`error: ${p.message}`);
    return 2;
  }
  const doc = loaded.doc;
  const ids = new Set(doc.nodes.map((n) => n.id));
  const targets = args.flags.get('target');
  const unknown = targets?.find((t) => !ids.has(t));
  if (unknown !== undefined) {
    log(`error: --target ${quote(unknown)} is not a node of this graph`);
    return 2;
  }
  const prompts = promptsFlag === undefined ? undefined : await promptLines(promptsFlag, doc);
  const plan = planRuns(doc, registry, { set, sweep, prompts, targets, steps });
  if (!plan.ok) {
    for (const p of plan.problems) log(`error: ${p}`);
    return 2;
  }
  // The folder is made (or refused) before anything runs, so a bad --out costs no model time.
  const out = await makeDirectory(resolve(flag(args, 'out') ?? 'out'), '--out folder').catch((e: Error) => Promise.reject(new UsageError(e.message)));
  const types = new Map(doc.nodes.map((n) => [n.id, n.type]));
  const title = (id: string) => { const type = types.get(id); return type ? registry.get(type)?.title ?? type : 'node'; };
  const titles = new Map(doc.nodes.map((n) => [n.id, `${title(n.id)} (${quote(n.id)})`]));
  const onEvent = (e: RunEvent) => {
    if (!('nodeId' in e)) return;
    const name = titles.get(e.nodeId) ?? quote(e.nodeId);
    if (e.type === 'node-started') log(`${name}: running`);
    else if (e.type === 'node-progress') log(`${name}: step ${e.step}/${e.total}`);
    else if (e.type === 'node-finished') log(`${name}: ${e.cached ? 'cached' : `done in ${e.ms.toFixed(1)} ms`}`);
    else if (e.type === 'node-failed') {
      // The message names the node; onnxruntime's own text is shown only on request.
      log(`error: ${e.message}${e.details && !verbose ? ' (--verbose shows onnxruntime\'s own message)' : ''}`);
      if (verbose && e.details) log(`  onnxruntime said: ${clip(e.details, 2000)}`);
    } else if (e.type === 'node-skipped') log(`${name}: skipped, ${e.because}`);
  };
  const journal = join(out, 'runs.jsonl');
  if (batch) await writeFile(journal, '');
  const engine = startNodeEngine({ threads, modelRoots: [...(args.flags.get('models') ?? []), ...userModelRoots()] });
  try {
    // One engine for every run: what the runs share upstream is a cache hit after the first.
    const files = new OutputFiles(out);
    let worst = 0;
    for (const run of plan.runs) {
      const name = many ? `run ${run.index + 1}/${plan.runs.length} (${run.label})` : 'run';
      if (many) log(`${name}: ${Object.entries(run.overrides).map(([k, v]) => `${k}=${clip(String(v), 40)}`).join(' ')}`);
      const started = new Date();
      const { result, files: written } = await executeRun(engine, run.doc, {
        catalog: registry, targets, steps, files, suffix: many ? `.${run.label}` : '', onEvent, log,
      });
      if (result.status === 'invalid') {
        for (const p of result.problems) log(`error: ${p.message}`);
        return 2;
      }
      log(`${name} ${result.status} in ${result.ms.toFixed(0)} ms`);
      if (batch) {
        const line = { run: run.index + 1, id: run.id, overrides: run.overrides, status: result.status, started: started.toISOString(), ms: Math.round(result.ms), files: written.map((p) => relative(out, p)) };
        await appendFile(journal, `${JSON.stringify(line)}\n`);
      }
      if (result.status !== 'done') worst = 1;
    }
    if (batch) log(`wrote ${journal}`);
    return worst;
  } finally {
    await engine.close();
  }
}

/** NODE.PARAM=VALUE split at its first "=". */
function assignment(option: string, text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`${option} ${quote(text)} must be NODE.PARAM=${option === '--set' ? 'VALUE' : 'VALUES'}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** --prompts [NODE=]FILE: the non-empty lines of a regular file, for the named Prompt node or the only one. */
async function promptLines(value: string, doc: GraphDoc): Promise<{ node?: string; lines: string[] }> {
  const eq = value.indexOf('=');
  const named = eq > 0 && doc.nodes.some((n) => n.id === value.slice(0, eq) || n.title === value.slice(0, eq));
  const node = named ? value.slice(0, eq) : undefined;
  const path = named ? value.slice(eq + 1) : value;
  const bytes = await readLocalFile(path, MAX_PROMPT_FILE_BYTES, 'prompts file').catch((e: Error) => Promise.reject(new UsageError(e.message)));
  const lines = new TextDecoder().decode(bytes).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) throw new UsageError(`--prompts file ${quote(path)} has no lines`);
  if (lines.length > MAX_RUNS) throw new UsageError(`--prompts file ${quote(path)} has ${lines.length} lines; at most ${MAX_RUNS} runs fit in one sweep`);
  return { node, lines };
}
