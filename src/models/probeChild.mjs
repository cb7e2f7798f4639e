// The child process a model file is inspected in (see boundedOpen.ts): register the TypeScript loader,
// then load the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./probeChild.ts');
