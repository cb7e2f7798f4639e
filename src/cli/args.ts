// A small argument parser: positionals, --flag value, --flag=value, repeated flags, booleans.
// --help and -h are booleans everywhere, so every command can answer them.
import { clip, quote } from '../graph/text.ts';

/** A command line that cannot be used as given: the CLI exits with status 2. */
export class UsageError extends Error {}

export interface Args { positionals: string[]; flags: Map<string, string[]> }

export function parseArgs(argv: string[], booleans: readonly string[] = []): Args {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const bools = new Set(['help', ...booleans]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') { flags.set('help', ['true']); continue; }
    if (!arg.startsWith('--')) { positionals.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? undefined : arg.slice(eq + 1);
    if (value === undefined) value = bools.has(name) ? 'true' : argv[++i];
    if (value === undefined) throw new UsageError(`--${clip(name)} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positionals, flags };
}

export function flag(args: Args, name: string): string | undefined {
  return args.flags.get(name)?.at(-1);
}

export function wantsHelp(args: Args): boolean {
  return flag(args, 'help') !== undefined && flag(args, 'help') !== 'false';
}

/** A whole-number flag within [min, max], or undefined when not given; anything else is refused. */
export function intFlag(args: Args, name: string, min: number, max: number): number | undefined {
  const text = flag(args, name);
  if (text === undefined) return undefined;
  const n = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got ${quote(text)})`);
  return n;
}

/** A true/false flag, or `fallback` when not given. */
export function boolFlag(args: Args, name: string, fallback: boolean): boolean {
  const text = flag(args, name);
  if (text === undefined) return fallback;
  if (text === 'true' || text === 'false') return text === 'true';
  throw new UsageError(`--${name} must be true or false (got ${quote(text)})`);
}

/** Flags a command does not know are refused, so a typo is not silently ignored. */
export function checkFlags(args: Args, known: readonly string[], usage: string): void {
  const unknown = [...args.flags.keys()].filter((f) => f !== 'help' && !known.includes(f));
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.map((f) => `--${clip(f, 40)}`).join(', ')}\nusage:\n${usage}`);
}
