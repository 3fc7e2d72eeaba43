/**
 * What PutLogEvents accepts of a batch, as CloudWatch Logs decides it: a batch is refused whole when
 * it breaks a limit (10,000 events, 1,048,576 bytes counting 26 bytes per event, chronological
 * order, a 24-hour span); otherwise events too far in the past (14 days, or the group's retention)
 * or the future (2 hours) are rejected by index range and the rest are kept.
 */
export const maxBatchEvents = 10_000;
export const maxBatchBytes = 1_048_576;
export const perEventOverheadBytes = 26;
export const maxEventBytes = maxBatchBytes - perEventOverheadBytes;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

export interface BatchEvent {
  readonly timestamp: number;
  readonly message: string;
}

export interface RejectedInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

export type BatchDecision =
  | { readonly refused: string }
  /** Events [start, end) are kept. */
  | { readonly start: number; readonly end: number; readonly rejected?: RejectedInfo | undefined };

export function decideBatch(events: readonly BatchEvent[], nowMs: number, retentionDays: number | undefined): BatchDecision {
  if (events.length === 0) return { refused: "logEvents must contain at least 1 event." };
  if (events.length > maxBatchEvents) return { refused: `A PutLogEvents batch holds at most ${maxBatchEvents} events; this one has ${events.length}.` };
  let bytes = 0;
  for (const [i, e] of events.entries()) {
    if (e.message.length === 0) return { refused: `logEvents.${i + 1}.member.message must not be empty.` };
    if (!Number.isSafeInteger(e.timestamp) || e.timestamp < 0) return { refused: `logEvents.${i + 1}.member.timestamp must be milliseconds since the epoch.` };
    if (i > 0 && e.timestamp < events[i - 1]!.timestamp) return { refused: "Log events in a single PutLogEvents request must be in chronological order." };
    bytes += Buffer.byteLength(e.message) + perEventOverheadBytes;
  }
  if (bytes > maxBatchBytes) return { refused: `Upload too large: ${bytes} bytes exceeds limit of ${maxBatchBytes}` };
  if (events[events.length - 1]!.timestamp - events[0]!.timestamp > dayMs) {
    return { refused: "The batch of log events in a single PutLogEvents request cannot span more than 24 hours." };
  }
  const tooOld = countWhile(events, (e) => e.timestamp < nowMs - 14 * dayMs);
  const expired = retentionDays === undefined ? 0 : countWhile(events, (e) => e.timestamp < nowMs - retentionDays * dayMs);
  const firstTooNew = events.findIndex((e) => e.timestamp > nowMs + 2 * hourMs);
  const end = firstTooNew < 0 ? events.length : firstTooNew;
  const start = Math.min(Math.max(tooOld, expired), end);
  const rejected: RejectedInfo = {};
  if (tooOld > 0) rejected.tooOldLogEventEndIndex = tooOld;
  if (expired > 0) rejected.expiredLogEventEndIndex = expired;
  if (firstTooNew >= 0) rejected.tooNewLogEventStartIndex = firstTooNew;
  return { start, end, rejected: Object.keys(rejected).length > 0 ? rejected : undefined };
}

function countWhile<T>(items: readonly T[], p: (t: T) => boolean): number {
  let n = 0;
  while (n < items.length && p(items[n]!)) n++;
  return n;
}
