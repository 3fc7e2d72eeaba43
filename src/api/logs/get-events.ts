import type { GetLogEventsRequest, OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { GetLogEventsRequest$ } from "../../aws-sdk/cloudwatch-logs.js";
import type { LogPosition } from "../../domain/logs/position.js";
import { decodeStreamToken, encodeStreamToken } from "../../domain/logs/tokens.js";
import type { StoredLogEvent } from "../../state/log-records.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { LogsDeps } from "./deps.js";
import { checkStreamName, groupNotFound, groupOf, invalidToken, limitOf, streamNotFound } from "./names.js";

const maxResponseBytes = 1_048_576;

/**
 * GetLogEvents as CloudWatch pages a stream: without a token, the newest `limit` events (or the
 * oldest with startFromHead); `f/…` reads on after the last event seen, `b/…` back before the first.
 * A page with no events hands back the token it was given, so a reader that follows
 * nextForwardToken knows it reached the end when the token repeats (the CLI's paginator stops there).
 */
export function getEventsOperation({ store }: LogsDeps): Record<string, Operation> {
  return {
    GetLogEvents: operation<GetLogEventsRequest>(GetLogEventsRequest$, async (input) => {
      const group = groupOf(input);
      const stream = checkStreamName(input.logStreamName ?? "");
      const limit = limitOf(input.limit, 10_000);
      const token = input.nextToken === undefined ? undefined : decodeStreamToken(input.nextToken);
      if (input.nextToken !== undefined && token === undefined) throw invalidToken();
      const descending = token ? token.direction === "b" : !(input.startFromHead ?? false);
      const events = await store.read(async (tx) => {
        if (!(await tx.logs.group(group))) throw groupNotFound();
        if (!(await tx.logs.stream(group, stream))) throw streamNotFound();
        return tx.logs.events({ group, streams: [stream], fromMs: input.startTime, toMs: input.endTime, from: token?.position, descending, limit });
      });
      const page = withinBytes(descending ? [...events].reverse() : events, descending);
      const first = page[0];
      const last = page.at(-1);
      const start: LogPosition = token?.position ?? { timestamp: 0, id: 0 };
      return {
        events: page.map((e): OutputLogEvent => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionMs })),
        nextForwardToken: encodeStreamToken({ direction: "f", position: last ? positionOf(last) : token?.direction === "f" ? start : beforeOf(start) }),
        nextBackwardToken: encodeStreamToken({ direction: "b", position: first ? positionOf(first) : token?.direction === "b" ? start : afterOf(start) }),
      };
    }),
  };
}

const positionOf = (e: StoredLogEvent): LogPosition => ({ timestamp: e.timestamp, id: e.id });
/** The position just before / after one, so that the event at it is read again. */
const beforeOf = (p: LogPosition): LogPosition => ({ timestamp: p.timestamp, id: Math.max(0, p.id - 1) });
const afterOf = (p: LogPosition): LogPosition => ({ timestamp: p.timestamp, id: p.id + 1 });

/** The events that fit CloudWatch's 1 MB response, kept from the end nearest the token. */
function withinBytes(events: readonly StoredLogEvent[], fromEnd: boolean): StoredLogEvent[] {
  let bytes = 0;
  const ordered = fromEnd ? [...events].reverse() : [...events];
  const kept: StoredLogEvent[] = [];
  for (const e of ordered) {
    bytes += Buffer.byteLength(e.message) + 26;
    if (bytes > maxResponseBytes && kept.length > 0) break;
    kept.push(e);
  }
  return fromEnd ? kept.reverse() : kept;
}
