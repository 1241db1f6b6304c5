import type { SSEHandler } from './SSEMessage.js';

/** What the registry holds: a handler given to `on`, or the wrapper `once` made, which knows the handler it stands for. */
type Registered = SSEHandler & { readonly original?: SSEHandler };

/** Whether `registered` is `handler`, or the `once` wrapper of it. */
const standsFor = (registered: Registered, handler: SSEHandler): boolean => registered === handler || registered.original === handler;

/**
 * The listeners of one `SSEConnection`, per server event name, behind `on`,
 * `once` and `off`. Each array is replaced, never changed, so a dispatch in
 * progress is unaffected by a handler that adds or removes one; `message`
 * (unnamed events, the common case) is kept in its own field so that path does
 * no lookup. As with `addEventListener`, a handler is registered once per
 * name: adding it again (by `on` or `once`) changes nothing.
 *
 * @example
 * ```ts
 * const listeners = new SseListeners();
 * listeners.add('price', (m) => console.log(m.data), false);
 * for (const handler of listeners.of('price') ?? []) handler(message);
 * ```
 */
export class SseListeners {
  /** The `message` handlers, or undefined when there are none. */
  message: readonly SSEHandler[] | undefined = undefined;
  private readonly byName: Record<string, readonly Registered[]> = Object.create(null) as Record<string, readonly Registered[]>;

  /** The handlers of events named `type`, in the order they were added; undefined when none. */
  of(type: string): readonly SSEHandler[] | undefined {
    return type === 'message' ? this.message : this.byName[type];
  }

  /** Whether any handler listens to `type`. */
  has(type: string): boolean {
    return this.byName[type] !== undefined;
  }

  /**
   * Adds `handler` for `event`; with `once`, it is removed before its first
   * call (so one that throws is still removed), and `remove(event, handler)`
   * removes it while it has not run.
   */
  add(event: string, handler: SSEHandler, once: boolean): void {
    const current = this.byName[event] ?? [];
    if (current.some((registered) => standsFor(registered, handler))) return;
    let entry: Registered = handler;
    if (once) {
      let fired = false;
      const wrapper = Object.assign(
        (message: Parameters<SSEHandler>[0]) => {
          if (fired) return;
          fired = true;
          this.remove(event, handler);
          handler(message);
        },
        { original: handler },
      );
      entry = wrapper;
    }
    this.set(event, [...current, entry]);
  }

  /** Removes `handler` (added by `on`, or by `once` and not yet run) from `event`. */
  remove(event: string, handler: SSEHandler): void {
    const current = this.byName[event];
    if (current === undefined) return;
    const next = current.filter((registered) => !standsFor(registered, handler));
    if (next.length !== current.length) this.set(event, next);
  }

  private set(event: string, handlers: readonly Registered[]): void {
    if (handlers.length > 0) this.byName[event] = handlers;
    else delete this.byName[event];
    if (event === 'message') this.message = this.byName[event];
  }
}
