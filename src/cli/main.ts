// latent-loom: the headless command line.
import { parseArgs } from './args.ts';
import { MODELS_USAGE, modelsCommand } from './models.ts';
import { runCommand } from './run.ts';

const USAGE = `usage:
  latent-loom run graph.json --out dir/ [--target NODE]... [--threads N] [--models DIR] [--steps false]
${MODELS_USAGE}`;

export async function main(argv: string[], log: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(parseArgs(rest), log);
      case 'models':
        return await modelsCommand(parseArgs(rest), log);
      case undefined:
      case 'help':
      case '--help':
        log(USAGE);
        return command ? 0 : 2;
      default:
        log(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    log(`error: ${(e as Error).message}`);
    return 1;
  }
}
