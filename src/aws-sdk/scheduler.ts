import { createRequire } from "node:module";

/** `@aws-sdk/client-scheduler`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-scheduler") as typeof import("@aws-sdk/client-scheduler");

export const {
  CreateSchedule$,
  CreateScheduleGroup$,
  DeleteSchedule$,
  DeleteScheduleGroup$,
  GetSchedule$,
  GetScheduleGroup$,
  ListScheduleGroups$,
  ListSchedules$,
  UpdateSchedule$,
} = sdk;
