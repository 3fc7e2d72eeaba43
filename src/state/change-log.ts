import type { ChangeFeed, LoggedChange } from "./changes.js";

/** Where a ChangeLog reads committed changes back from: the store's own log table. */
export interface ChangeSource {
  head(): Promise<number>;
  since(revision: number, limit: number): Promise<readonly LoggedChange[]>;
}

interface Subscriber {
  readonly fn: (change: LoggedChange) => void;
  readonly onError: ((err: unknown) => void) | undefined;
  /** The revision of the last change given to `fn`. */
  position: number;
  /** Caught up: gets commits as they happen; otherwise still reading back from the store. */
  live: boolean;
  closed: boolean;
}

const catchUpPage = 1000;

/**
 * The in-process side of a store's change log: a store implementation calls `committed` after each
 * durable commit (and nobody else can: this module is the store's, see the lint rule); subscribers
 * get those changes at once, and a subscriber that starts from an older revision first reads the
 * missing ones back from the store, then joins the live stream with nothing lost or repeated.
 */
export class ChangeLog implements ChangeFeed {
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    private readonly source: ChangeSource,
    /** The newest committed revision when the store opened. */
    private newest: number,
  ) {}

  head(): Promise<number> {
    return Promise.resolve(this.newest);
  }

  since(revision: number, limit: number): Promise<readonly LoggedChange[]> {
    return this.source.since(revision, limit);
  }

  subscribe(fn: (change: LoggedChange) => void, options: { readonly from?: number; readonly onError?: (err: unknown) => void } = {}): () => void {
    const from = options.from ?? this.newest;
    const s: Subscriber = { fn, onError: options.onError, position: from, live: from >= this.newest, closed: false };
    this.subscribers.add(s);
    if (!s.live) void this.catchUp(s);
    return () => {
      s.closed = true;
      this.subscribers.delete(s);
    };
  }

  /** Called by the store, in revision order, once the changes are durable. */
  committed(changes: readonly LoggedChange[]): void {
    if (changes.length === 0) return;
    this.newest = changes[changes.length - 1]!.revision;
    for (const s of this.subscribers) if (s.live) for (const c of changes) this.give(s, c);
  }

  private give(s: Subscriber, c: LoggedChange): void {
    if (s.closed || c.revision <= s.position) return;
    s.position = c.revision;
    try {
      s.fn(c);
    } catch (err) {
      (s.onError ?? reportAsync)(err);
    }
  }

  /** Reads back what the subscriber has not seen; goes live when nothing newer is left to read. */
  private async catchUp(s: Subscriber): Promise<void> {
    try {
      while (!s.closed) {
        const page = await this.source.since(s.position, catchUpPage);
        for (const c of page) this.give(s, c);
        // No await between this check and going live: no commit can slip in between.
        if (s.position >= this.newest) {
          s.live = true;
          return;
        }
      }
    } catch (err) {
      this.subscribers.delete(s);
      (s.onError ?? reportAsync)(err);
    }
  }
}

/** A subscriber without its own error handler: a bug to see, not a reason to end the server. */
function reportAsync(err: unknown): void {
  process.emitWarning(`change log subscriber failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
