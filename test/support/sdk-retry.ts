import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";

const attempt = (n: number): RetryToken => ({ getRetryCount: () => n, getRetryDelay: () => 0 });

/** A connection reset before any answer: the server closed an idle keep-alive connection just as the client wrote on it. */
const unanswered = ({ error }: RetryErrorInfo): boolean =>
  error !== undefined && error.$response === undefined && ["ECONNRESET", "EPIPE"].includes((error as NodeJS.ErrnoException).code ?? "");

/**
 * The retry of the tests' SDK clients: a call is sent a second time only when its connection was
 * reset before any answer, as the SDK's default retry would (Node's HTTP server closes idle
 * keep-alive connections after 5 s, and a client may write on one in that instant). Everything the
 * server answered (a refusal, a throttle, a 500) reaches the test as it came, and so does a server
 * that is down (ECONNREFUSED), so that no retry hides what a test checks.
 */
export const testSdkRetry: { maxAttempts: number; retryStrategy: RetryStrategyV2 } = {
  maxAttempts: 2,
  retryStrategy: {
    acquireInitialRetryToken: () => Promise.resolve(attempt(0)),
    refreshRetryTokenForRetry: (token, info) =>
      token.getRetryCount() === 0 && unanswered(info) ? Promise.resolve(attempt(1)) : Promise.reject(info.error ?? new Error(`not retried: ${info.errorType}`)),
    recordSuccess: () => {},
  },
};
