/**
 * Whether an agent's session is alive, decided from what the hub heard and when it pinged: pure
 * (time is an argument), one per session.
 *
 * The hub pings (a WebSocket ping; every WebSocket peer answers with a pong without any code of
 * its own) every `heartbeatMs`. An agent is silent once a ping has waited `replyWithinMs` with
 * nothing at all heard since it was sent. Silence is counted from a ping the hub really sent, not
 * from the last frame heard: a server whose event loop was busy (or stopped) for seconds sent no
 * pings meanwhile, so it expects no answers, and wrongly losing every agent after a long commit or
 * a GC pause cannot happen. (The hub also reads what already arrived before it judges: see hub.ts.)
 *
 * A frozen agent is noticed at most heartbeatMs + replyWithinMs + the hub's check period after the
 * last frame it sent (1 s + 1.5 s + 0.25 s by default).
 */
export interface LivenessSettings {
  readonly heartbeatMs: number;
  readonly replyWithinMs: number;
}

export const defaultLiveness: LivenessSettings = { heartbeatMs: 1000, replyWithinMs: 1500 };

export class Liveness {
  private lastPingMs: number;
  /** When the oldest ping not yet followed by any frame from the agent was sent. */
  private awaitingSinceMs: number | undefined;
  /** When the agent was last heard from (any frame, pongs included). */
  lastHeardMs: number;

  constructor(
    private readonly settings: LivenessSettings,
    nowMs: number,
  ) {
    this.lastPingMs = nowMs;
    this.lastHeardMs = nowMs;
  }

  /** Anything from the agent: a message or a pong. */
  heard(nowMs: number): void {
    this.lastHeardMs = nowMs;
    this.awaitingSinceMs = undefined;
  }

  /** Whether a ping is due now. */
  pingDue(nowMs: number): boolean {
    return nowMs - this.lastPingMs >= this.settings.heartbeatMs;
  }

  pinged(nowMs: number): void {
    this.lastPingMs = nowMs;
    this.awaitingSinceMs ??= nowMs;
  }

  /** Whether a ping has waited longer than replyWithinMs with nothing heard since. */
  silent(nowMs: number): boolean {
    return this.awaitingSinceMs !== undefined && nowMs - this.awaitingSinceMs > this.settings.replyWithinMs;
  }
}
