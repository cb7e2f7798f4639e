// Inside the child process that inspects a model file under a memory limit (boundedOpen.ts): opens the
// session, answers its inputs and outputs, runs probes, and exits when told or when its parent goes.
import type { Tensor } from '../runtime/tensor.ts';
import type { OpenedModel } from './importModel.ts';
import { openOnnx } from './nodeSource.ts';

type Request = { open: { path: string; label: string } } | { run: Record<string, Tensor> } | { close: true };

let model: OpenedModel | null = null;

process.on('message', (request: Request) => {
  void (async () => {
    try {
      if ('open' in request) {
        model = await openOnnx(request.open.path, request.open.label);
        process.send!({ ok: { inputs: model.inputs, outputs: model.outputs } });
      } else if ('run' in request) {
        process.send!({ ok: await model!.run(request.run) });
      } else {
        await model?.close();
        process.exit(0);
      }
    } catch (e) {
      process.send!({ error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
