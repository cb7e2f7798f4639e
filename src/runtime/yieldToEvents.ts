// Lets queued messages (a cancel from the UI thread) in between long stretches of work.
// A worker busy with model runs otherwise only ever continues microtasks and never reads its inbox.

export function yieldToEvents(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((done) => setImmediate(done));
  return new Promise((done) => {
    // MessageChannel, not setTimeout: nested timeouts are clamped to 4 ms.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      done();
    };
    channel.port2.postMessage(null);
  });
}
