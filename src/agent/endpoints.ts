/**
 * The control plane's endpoints (ECS_BACKEND_HOST: one URL, or several replicas' URLs) and the
 * one the agent uses now. Everything that talks to the control plane asks `current()` at call
 * time, so that all of it follows a failover; whoever finds the current endpoint unreachable says
 * so with `failed()`, and the rotation moves on to the next, in the configured order, wrapping
 * around. Backoff is per round: the next endpoint is tried at once, and only once every endpoint
 * has failed since the last success does the caller wait (its own backoff). With one endpoint
 * every failure is a full round, so the agent backs off exactly as it always did.
 *
 * No I/O and no clock here: the channel, registration and calls decide when to try again.
 */

/** What a caller does after its endpoint failed: try `next` at once, or back off first. */
export interface FailoverStep {
  readonly next: string;
  /** Every endpoint has failed since the last success (the round is over): wait before `next`. */
  readonly backOff: boolean;
}

export class EndpointRotation {
  readonly all: readonly string[];
  #index = 0;
  /** Failures since the last success or the last full round. */
  #failedInRound = 0;

  constructor(endpoints: readonly string[]) {
    if (endpoints.length === 0) throw new Error("the agent needs the server's URL: --endpoint or ECS_BACKEND_HOST");
    this.all = Object.freeze([...endpoints]);
  }

  /** The endpoint to use now. */
  current(): string {
    return this.all[this.#index]!;
  }

  /**
   * A connection to `endpoint` failed. When it is still the current one, the rotation moves on;
   * when another caller has already moved on from it, this failure is old news and changes nothing
   * (several callers seeing one replica die make one step, not several).
   */
  failed(endpoint: string): FailoverStep {
    if (endpoint !== this.current()) return { next: this.current(), backOff: false };
    this.#index = (this.#index + 1) % this.all.length;
    this.#failedInRound++;
    if (this.#failedInRound < this.all.length) return { next: this.current(), backOff: false };
    this.#failedInRound = 0;
    return { next: this.current(), backOff: true };
  }

  /** A connection to `endpoint` worked: a new round starts. */
  succeeded(endpoint: string): void {
    if (endpoint === this.current()) this.#failedInRound = 0;
  }
}

/** The AWS SDK's form of an endpoint provider: the SDK asks it for every request. */
export type SdkEndpointProvider = () => Promise<{ readonly url: URL }>;

/** An SDK client's `endpoint` that follows the rotation (resolved per request, not when the client is built). */
export function sdkEndpoint(endpoints: EndpointRotation): SdkEndpointProvider {
  return () => Promise.resolve({ url: new URL(endpoints.current()) });
}

/**
 * Node's error codes that mean the endpoint could not be reached, or stopped answering: the
 * replica (or its host) is gone, not a request the replica refused.
 */
const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Whether `err` says the endpoint is unreachable: a connection refused, reset or timed out (a
 * code of Node's, on the error, its cause, or any of an AggregateError's attempts, as Node
 * reports a name with several addresses), or the AWS SDK's timeout. An answer, even an error
 * status, is not: the replica is alive.
 */
export function isUnreachable(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const { code, name, cause, errors } = err as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && unreachableCodes.has(code)) return true;
  if (name === "TimeoutError") return true;
  if (Array.isArray(errors) && errors.some(isUnreachable)) return true;
  return cause !== undefined && cause !== err && isUnreachable(cause);
}

/**
 * WebSocket close codes (RFC 6455 §7.4.1) after which the agent moves to the next endpoint: 1006,
 * closed without a close frame (refused, reset, a killed process, the agent's own watchdog), and
 * the codes a server uses as it goes away or cannot serve. Others (normal closure, a policy
 * violation) are the replica's answer: the agent reconnects to it after the usual backoff.
 */
const endpointDownCloseCodes = new Set([1001, 1006, 1011, 1012, 1013, 1014]);

export function closeMeansEndpointDown(code: number): boolean {
  return endpointDownCloseCodes.has(code);
}

/**
 * Runs a one-off call on the current endpoint, and when that endpoint is unreachable, at once on
 * the next, until a round is over; then the call fails with the last error (its caller retries,
 * as it did with one endpoint). Any other outcome is the call's own.
 */
export async function withFailover<T>(endpoints: EndpointRotation, call: (endpoint: string) => Promise<T>): Promise<T> {
  let last: unknown;
  for (let tries = 0; tries < endpoints.all.length; tries++) {
    const endpoint = endpoints.current();
    try {
      const out = await call(endpoint);
      endpoints.succeeded(endpoint);
      return out;
    } catch (err) {
      if (!isUnreachable(err) || endpoints.failed(endpoint).backOff) throw err;
      last = err;
    }
  }
  throw last;
}
