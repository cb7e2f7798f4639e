// latent-loom: the headless command line.
import { clip, quote } from '../graph/text.ts';
import { parseArgs, UsageError } from './args.ts';
import { MODELS_USAGE, modelsCommand } from './models.ts';
import { RUN_USAGE, runCommand } from './run.ts';
import { SERVE_USAGE, serveCommand, WORKER_USAGE, workerCommand } from './serve.ts';

const USAGE = `usage:
${RUN_USAGE}

${MODELS_USAGE}

${SERVE_USAGE}

${WORKER_USAGE}

  latent-loom COMMAND --help shows one command's usage.`;

export async function main(argv: string[], log: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(parseArgs(rest, ['verbose']), log);
      case 'serve':
        return await serveCommand(parseArgs(rest), log);
      case 'worker':
        return await workerCommand(parseArgs(rest), log);
      case 'models':
        return await modelsCommand(parseArgs(rest), log);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        log(USAGE);
        return command ? 0 : 2;
      default:
        log(`unknown command ${quote(command)}\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    // Messages name what they are about; none should be long, so a runaway one is cut.
    log(`error: ${clip((e as Error).message, 4000)}`);
    return e instanceof UsageError ? 2 : 1;
  }
}
