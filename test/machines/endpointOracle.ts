/**
 * An independent model of the endpoint machine, written from the README's
 * table (not from machines/endpoint.ts): the views of the two children that
 * the reports add up to, and the summary they give.
 */
import type { EndpointContext, EndpointEvent } from '../../machines/endpoint.js';

const OPEN_STATUSES = new Set(['idle', 'listening', 'thinking', 'speaking']);
type Views = Pick<EndpointContext, 'websocket' | 'http'>;

/** The summary of two children's views: the README's "NODE_ENV and status" table. */
export function expectedSummary({ websocket, http }: Views): string {
  if (websocket.attached && websocket.status === 'connecting') return 'connecting';
  const socketUp = websocket.attached && OPEN_STATUSES.has(websocket.status);
  const httpUp = http.attached && http.health !== 'unhealthy' && http.breaker !== 'OPEN';
  if (socketUp && httpUp) return 'ready';
  if (socketUp || httpUp) return 'degraded';
  return 'down';
}

/** Follows a sequence of events as the endpoint should. */
export class EndpointOracle {
  views: Views = {
    websocket: { attached: false, status: 'closed' },
    http: { attached: false, health: 'unknown', breaker: 'CLOSED' },
  };
  /** 'connecting' until a report or a release recomputes it. */
  summary = 'connecting';
  disposed = false;
  /** The summaries that were emitted, in order. */
  emitted: string[] = [];

  take(event: EndpointEvent): void {
    if (this.disposed) return;
    const { websocket, http } = this.views;
    switch (event.type) {
      case 'statewire.adopt':
        if (event.name === 'websocket' && !websocket.attached) this.views = { websocket: { ...websocket, attached: true }, http };
        if (event.name === 'http' && !http.attached) this.views = { websocket, http: { ...http, attached: true } };
        return;
      case 'statewire.release':
        if (event.name === 'websocket' && websocket.attached) this.views = { websocket: { attached: false, status: 'closed' }, http };
        else if (event.name === 'http' && http.attached) this.views = { websocket, http: { attached: false, health: 'unknown', breaker: 'CLOSED' } };
        else return;
        break;
      case 'WEBSOCKET_STATUS':
        this.views = { websocket: { ...websocket, status: event.status }, http };
        break;
      case 'HTTP_STATUS':
        this.views = { websocket, http: { ...http, health: event.health, breaker: event.breaker } };
        break;
      case 'DISPOSE':
        this.disposed = true;
        this.emitted.push('disposed');
        return;
    }
    const next = expectedSummary(this.views);
    if (next !== this.summary) this.emitted.push(next);
    this.summary = next;
  }

  /** The children that should run, by name, sorted. */
  children(): string[] {
    return [...(this.views.http.attached ? ['http'] : []), ...(this.views.websocket.attached ? ['websocket'] : [])];
  }
}
