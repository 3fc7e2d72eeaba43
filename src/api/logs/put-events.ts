import type { PutLogEventsRequest, PutLogEventsResponse } from "@aws-sdk/client-cloudwatch-logs";
import { PutLogEventsRequest$ } from "../../aws-sdk/cloudwatch-logs.js";
import { decideBatch } from "../../domain/logs/put-batch.js";
import { decideResume } from "../../domain/logs/resume-token.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { LogsDeps } from "./deps.js";
import { checkGroupName, checkStreamName, groupNotFound, streamNotFound } from "./names.js";

export function putEventsOperation({ store }: LogsDeps): Record<string, Operation> {
  return {
    PutLogEvents: operation<PutLogEventsRequest>(PutLogEventsRequest$, async (input, ctx) => {
      const group = checkGroupName(input.logGroupName ?? "");
      const stream = checkStreamName(input.logStreamName ?? "");
      const events = (input.logEvents ?? []).map((e) => ({ timestamp: e.timestamp ?? -1, message: e.message ?? "" }));
      return store.write(async (tx): Promise<PutLogEventsResponse> => {
        const g = await tx.logs.group(group);
        if (!g) throw groupNotFound();
        const s = await tx.logs.stream(group, stream);
        if (!s) throw streamNotFound();
        const decision = decideBatch(events, ctx.nowMs, g.retentionDays);
        if ("refused" in decision) throw new AwsError("InvalidParameterException", decision.refused);
        const resume = decideResume(input.sequenceToken, s.resumeCursor);
        if (!resume.accept) {
          throw new AwsError("InvalidSequenceTokenException", `The given batch starts before what this stream has accepted: the next expected sequenceToken is: ${resume.expected}`, { expectedSequenceToken: resume.expected });
        }
        await tx.logs.append(group, stream, events.slice(decision.start, decision.end), ctx.nowMs, resume.save);
        return { rejectedLogEventsInfo: decision.rejected };
      });
    }),
  };
}
