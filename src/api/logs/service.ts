import type { JsonService } from "../aws-json/service.js";
import type { LogsDeps } from "./deps.js";
import { logsErrors } from "./errors.js";
import { filterEventsOperation } from "./filter-events.js";
import { getEventsOperation } from "./get-events.js";
import { groupOperations } from "./groups.js";
import { putEventsOperation } from "./put-events.js";
import { streamOperations } from "./streams.js";
import { tagOperations } from "./tags.js";

/** Amazon CloudWatch Logs: log groups, streams and events (AWS JSON 1.1, `Logs_20140328`, signing name `logs`). */
export function logsService(deps: LogsDeps): JsonService {
  return {
    targetPrefix: "Logs_20140328",
    signingName: "logs",
    errors: logsErrors,
    operations: {
      ...groupOperations(deps),
      ...streamOperations(deps),
      ...putEventsOperation(deps),
      ...getEventsOperation(deps),
      ...filterEventsOperation(deps),
      ...tagOperations(deps),
    },
  };
}
