#!/usr/bin/env node
// The CLI is TypeScript; register the loader, then run it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// serve and worker return once shut down: nothing they opened (a connection still retrying a Redis that
// is gone, say) may keep the process alive after that.
if (['serve', 'worker'].includes(process.argv[2])) process.exit(code);
process.exitCode = code;
