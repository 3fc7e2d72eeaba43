import type { TaskRecord } from "../domain/task.js";

/** A task's columns beside its document, as both stores index it (sqlite/ and postgres/task-repositories.ts). */
export const taskColumns = (t: TaskRecord) => ({
  arn: t.arn,
  cluster: t.cluster,
  instance: t.containerInstanceArn,
  family: t.spec.family,
  startedBy: t.startedBy ?? null,
  serviceName: t.serviceName ?? null,
  launchType: t.launchType,
  desired: t.spec.desiredStatus,
  last: t.lastStatus,
  stoppedAt: t.stoppedAtMs ?? null,
  // In its service's view until the reconciler has observed its stop (see TaskReader.ofService).
  serviceOpen: t.serviceName !== undefined && (t.lastStatus !== "STOPPED" || t.serviceObserved !== true),
  version: t.version,
  doc: JSON.stringify(t),
});
