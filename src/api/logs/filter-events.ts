import type { FilterLogEventsRequest, FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { FilterLogEventsRequest$ } from "../../aws-sdk/cloudwatch-logs.js";
import { matchesFilter, parseFilterPattern } from "../../domain/logs/filter-pattern.js";
import type { LogPosition } from "../../domain/logs/position.js";
import { requiredSubstrings } from "../../domain/logs/required-substrings.js";
import { decodeFilterToken, encodeFilterToken, eventIdOf } from "../../domain/logs/tokens.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { LogsDeps } from "./deps.js";
import { checkStreamName, groupNotFound, groupOf, invalidToken, limitOf } from "./names.js";

const batchRows = 4096;
const maxResponseBytes = 1_048_576;

/**
 * FilterLogEvents: the group's events (or some streams'), oldest first across streams (always
 * interleaved), that match the filter pattern, read in batches so a search over millions of
 * events keeps memory flat. startTime and endTime are both inclusive, as CloudWatch documents.
 */
export function filterEventsOperation({ store }: LogsDeps): Record<string, Operation> {
  return {
    FilterLogEvents: operation<FilterLogEventsRequest>(FilterLogEventsRequest$, async (input) => {
      const group = groupOf(input);
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
        throw new AwsError("InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
      }
      const streams = input.logStreamNames?.map((s) => checkStreamName(s, "logStreamNames"));
      if (streams !== undefined && (streams.length < 1 || streams.length > 100)) throw new AwsError("InvalidParameterException", "logStreamNames holds from 1 to 100 names.");
      const limit = limitOf(input.limit, 10_000);
      const pattern = parseFilterPattern(input.filterPattern);
      if ("invalid" in pattern) throw new AwsError("InvalidParameterException", `Invalid filter pattern: ${pattern.invalid}.`);
      let from: LogPosition | undefined;
      if (input.nextToken !== undefined) {
        from = decodeFilterToken(input.nextToken);
        if (!from) throw invalidToken();
      }
      const toMs = input.endTime === undefined ? undefined : input.endTime + 1;
      const contains = requiredSubstrings(pattern);
      return store.read(async (tx) => {
        if (!(await tx.logs.group(group))) throw groupNotFound();
        const found: FilteredLogEvent[] = [];
        let bytes = 0;
        const matches = (message: string) => matchesFilter(pattern, message);
        for (;;) {
          const batch = await tx.logs.events({ group, streams, streamPrefix: input.logStreamNamePrefix, fromMs: input.startTime, toMs, from, descending: false, limit: batchRows, contains, matches: pattern.kind === "all" ? undefined : matches });
          for (const e of batch) {
            from = { timestamp: e.timestamp, id: e.id };
            found.push({ logStreamName: e.streamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionMs, eventId: eventIdOf(from) });
            bytes += Buffer.byteLength(e.message) + 26;
            if (found.length >= limit || bytes >= maxResponseBytes) return { events: found, searchedLogStreams: [], nextToken: encodeFilterToken(from) };
          }
          if (batch.length < batchRows) return { events: found, searchedLogStreams: [] };
        }
      });
    }),
  };
}
