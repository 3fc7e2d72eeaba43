import type { Store } from "../../state/store.js";
import type { RestJsonService } from "../rest-json/service.js";
import { schedulerErrors } from "./errors.js";
import { groupOperations } from "./groups.js";
import { scheduleOperations } from "./schedules.js";

/** Amazon EventBridge Scheduler (REST-JSON, signing name `scheduler`): schedules with ECS RunTask targets, and schedule groups. */
export function schedulerService(deps: { readonly store: Store }): RestJsonService {
  return {
    signingName: "scheduler",
    errors: schedulerErrors,
    missingMemberError: "ValidationException",
    operations: { ...scheduleOperations(deps), ...groupOperations(deps) },
  };
}
