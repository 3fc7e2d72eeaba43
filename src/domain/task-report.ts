import type { TaskReport } from "../agent-protocol/messages.js";
import { sameJson } from "./same-json.js";
import type { TaskRecord } from "./task.js";
import { advanceStatus, type StopCode } from "./task-status.js";

const stopCodes: readonly StopCode[] = ["TaskFailedToStart", "EssentialContainerExited", "UserInitiated", "ServiceSchedulerInitiated", "TerminationNotice"];
const asStopCode = (s: string | undefined): StopCode | undefined => stopCodes.find((c) => c === s);

/**
 * A task after its agent's report: status only moves forward, the containers are as the agent last
 * saw them, and a stop keeps the first reason given (a user's StopTask reason beats the exit it caused).
 * Returns the record unchanged when the report brings nothing new (a replayed report).
 */
export function applyReport(task: TaskRecord, report: TaskReport, nowMs: number): TaskRecord {
  const lastStatus = advanceStatus(task.lastStatus, report.status);
  if (lastStatus === task.lastStatus && sameJson(report, task.known)) return task;
  if (task.lastStatus === "STOPPED") return task;
  const stopped = lastStatus === "STOPPED";
  return {
    ...task,
    lastStatus,
    known: report,
    spec: stopped && task.spec.desiredStatus !== "STOPPED" ? { ...task.spec, desiredStatus: "STOPPED" } : task.spec,
    stopCode: task.stopCode ?? (stopped ? (asStopCode(report.stopCode) ?? "EssentialContainerExited") : undefined),
    stoppedReason: task.stoppedReason ?? (stopped ? report.reason : undefined),
    stoppingAtMs: task.stoppingAtMs ?? (stopped ? nowMs : undefined),
    stoppedAtMs: stopped ? nowMs : undefined,
    version: task.version + 1,
  };
}
