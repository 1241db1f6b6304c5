/**
 * Reads the inspector's Server-Sent Events stream over plain HTTP from
 * 127.0.0.1, the way the page's EventSource does, keeping every raw byte so a
 * test can search all of it.
 *
 * @example
 * ```ts
 * const stream = await followStream(inspector.url);
 * await stream.until((m) => m.some((x) => x.type === 'update'));
 * stream.close();
 * ```
 */
import { request, type IncomingMessage } from 'node:http';

export interface StreamMessage {
  type: 'init' | 'update';
  [key: string]: any;
}

export interface FollowedStream {
  /** Every message so far, parsed. */
  readonly messages: StreamMessage[];
  /** Every byte received, as text. */
  readonly raw: () => string;
  /** Resolves once `test(messages)` holds; rejects after `timeout` ms. */
  until(test: (messages: StreamMessage[]) => boolean, timeout?: number): Promise<void>;
  close(): void;
}

export function followStream(base: string): Promise<FollowedStream> {
  return new Promise((resolve, reject) => {
    const messages: StreamMessage[] = [];
    let raw = '';
    let buffer = '';
    const waiters = new Set<() => void>();
    const req = request(new URL('api/stream', base), { headers: { accept: 'text/event-stream' } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data !== '') messages.push(JSON.parse(data) as StreamMessage);
        }
        for (const w of waiters) w();
      });
      res.on('error', () => {});
      resolve({
        messages,
        raw: () => raw,
        until(test, timeout = 5_000) {
          return new Promise<void>((ok, fail) => {
            const check = () => {
              if (!test(messages)) return;
              waiters.delete(check);
              clearTimeout(timer);
              ok();
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`stream: condition not met in ${timeout} ms (${messages.length} messages)`));
            }, timeout);
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', (e) => reject(e));
    req.end();
  });
}

/** GET `path` under `base`; the body as text, with status and headers. */
export async function get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; headers: Headers; text: string }> {
  const res = await fetch(new URL(path, base), { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text: await res.text() };
}
