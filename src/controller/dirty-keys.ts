/**
 * A controller's work loop over keys marked dirty (by the change log, a sweep, a callback): one key
 * at a time, each handled once per pass however often it was marked meanwhile; a key marked while
 * it is being handled is handled again on the next pass. `stop` waits for the key in hand.
 *
 * A handler may do all its work without a real wait (reads of the embedded store are synchronous):
 * the loop then gives the event loop a turn every `sliceMs`, or a pass over a thousand keys would
 * hold the API, the agents' sockets and every timer for seconds.
 */
export class DirtyKeys {
  private readonly dirty = new Set<string>();
  private wake: (() => void) | undefined;
  private stopped = false;
  private readonly loop: Promise<void>;

  /** `handle` must not throw: a controller reports its own failures. */
  constructor(
    private readonly handle: (key: string) => Promise<void>,
    private readonly sliceMs = 10,
  ) {
    this.loop = this.run();
  }

  mark(key: string): void {
    this.dirty.add(key);
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.dirty.size === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      const batch = [...this.dirty];
      this.dirty.clear();
      let sliceStart = performance.now();
      for (const key of batch) {
        if (this.stopped) return;
        await this.handle(key);
        if (performance.now() - sliceStart >= this.sliceMs) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
    }
  }
}
