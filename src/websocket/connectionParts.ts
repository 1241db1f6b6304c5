/**
 * The parts a {@link WebSocketConnection} makes on first use (a thousand idle
 * connections should not carry them): its log, its outbound queue and its
 * receive() inbox, each made once per connection from its validated options.
 *
 * @module
 */
import { createLog, type Log } from '../runtime/createLog.js';
import { Inbox } from '../runtime/Inbox.js';
import { OutboundQueue } from './OutboundQueue.js';
import type { WebSocketConnection } from './WebSocketConnection.js';

/**
 * The connection's log, its redactor primed with the connection's secrets.
 *
 * @example this.logInstance ??= makeLog(this);
 */
export function makeLog(conn: WebSocketConnection): Log {
  const options = conn['options'];
  const log = createLog({ enabled: options.enableLogging, logger: options.logger, sensitiveHeaders: options.sensitiveHeaders, prefix: `WebSocket ${options.name}` });
  const urlOption = conn['urlOption'];
  if (typeof urlOption === 'string') log.remember(options.headers, urlOption);
  else log.remember(options.headers);
  return log;
}

/**
 * What is sent while the link is down, bounded; every drop reported.
 *
 * @example this.queueInstance ??= makeQueue(this);
 */
export function makeQueue(conn: WebSocketConnection): OutboundQueue {
  const options = conn['options'];
  return new OutboundQueue({
    maxMessages: options.maxQueuedMessages,
    maxBytes: options.maxQueuedBytes,
    overflow: options.overflow,
    onDrop: (m, reason) => conn['dropped'](m.original, reason),
  });
}

/**
 * Incoming messages for receive(), bounded.
 *
 * @example this.inboxInstance ??= makeInbox(this);
 */
export function makeInbox(conn: WebSocketConnection): Inbox<unknown> {
  return new Inbox<unknown>({
    capacity: conn['options'].inboxSize,
    clock: conn['clock'],
    // A message already handed to `on('message')` listeners is not lost when the pull inbox overflows.
    onOverflow: (m) => {
      if (conn['messageListeners'] === undefined) conn['dropped'](m, 'inbox-full');
    },
  });
}
