/**
 * A Logger that keeps every line it is given, as `<level> <args joined by spaces>`,
 * for tests that check what a client logs (and that no secret is in it).
 *
 * @example
 * ```ts
 * const { lines, logger } = captureLogger();
 * new WebSocketConnection({ url, enableLogging: true, logger });
 * expect(lines.join('\n')).not.toContain(TOKEN);
 * ```
 */
import type { Logger } from '../../src/index.js';

export function captureLogger(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const line = (level: string) => (...args: unknown[]) => void lines.push(`${level} ${args.map(String).join(' ')}`);
  const logger: Logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  return { lines, logger };
}
