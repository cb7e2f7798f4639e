// Reads a server-sent event stream of the API to its end (the server ends it after run-finished).
import type { ApiEvent } from '../src/server/runs.ts';

export async function readEvents(url: string, onEvent: (e: ApiEvent) => void = () => {}, headers: Record<string, string> = {}): Promise<ApiEvent[]> {
  const res = await fetch(url, { headers });
  if (!res.ok || !res.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`${url} answered ${res.status} ${res.headers.get('content-type')}`);
  const seen: ApiEvent[] = [];
  let text = '';
  for await (const chunk of res.body!) {
    text += Buffer.from(chunk).toString('utf8');
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
      const data = text.slice(0, end).split('\n').find((l) => l.startsWith('data: '));
      text = text.slice(end + 2);
      if (!data) continue;
      const event = JSON.parse(data.slice(6)) as ApiEvent;
      seen.push(event);
      onEvent(event);
    }
  }
  return seen;
}
