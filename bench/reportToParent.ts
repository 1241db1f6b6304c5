/**
 * The server side of `bench/childServer.ts`'s IPC: a bench server, forked by the
 * bench, says `{ type: 'listening', port, ...extra }`, answers `{ type: 'stats' }`
 * with its counters and its CPU, and stops on `{ type: 'stop' }` or when the
 * parent goes away. Run by hand (no IPC), it prints `{ port }`.
 */
type Message = { type: 'stats' } | { type: 'stop' };

export function reportToParent(port: number, stats: () => Record<string, unknown>, stop: () => void, extra: Record<string, unknown> = {}): void {
  if (!process.send) {
    console.log(JSON.stringify({ port }));
    return;
  }
  process.send({ type: 'listening', port, ...extra });
  process.on('message', (m: Message) => {
    if (m.type === 'stats') process.send!({ type: 'stats', ...stats(), cpu: process.cpuUsage() });
    else if (m.type === 'stop') stop();
  });
  process.on('disconnect', stop);
}
