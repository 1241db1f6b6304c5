import type { DropReason } from './OutboundQueue.js';

/** What `message_dropped` handlers receive. */
export interface DroppedMessage {
  message: unknown;
  reason: DropReason | 'not-connected' | 'inbox-full' | 'write-failed';
}
