import type { TaskReport } from "../agent-protocol/messages.js";
import { boundMessage } from "../observability/excerpt.js";
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
export function applyReport(task: TaskRecord, peerReport: TaskReport, nowMs: number): TaskRecord {
  const report = bounded(task, peerReport);
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

/** At most this many host port bindings per container are kept (a task definition's port mappings are fewer). */
const maxBindings = 1000;
/** Ids, digests and addresses are short; longer ones are no real value and are dropped. */
const maxIdChars = 255;

/**
 * A report as the control plane keeps it, whatever its agent sent: only the task's own containers,
 * once each; reasons cut to the length of a message Berth returns (boundMessage); ids, digests and
 * addresses that no engine would produce dropped; port bindings bounded. An agent's frames may be
 * megabytes: none of that reaches the store or DescribeTasks.
 */
function bounded(task: TaskRecord, report: TaskReport): TaskReport {
  const names = new Set(task.spec.containers.map((c) => c.name));
  const seen = new Set<string>();
  const containers = report.containers
    .filter((c) => names.has(c.name) && !seen.has(c.name) && seen.add(c.name))
    .map(({ runtimeId, imageDigest, reason, networkBindings, ...c }) => ({
      ...c,
      ...only({ runtimeId: short(runtimeId), imageDigest: short(imageDigest), reason: cut(reason) }),
      ...(networkBindings !== undefined && { networkBindings: networkBindings.slice(0, maxBindings).map((b) => ({ ...b, bindIP: short(b.bindIP) ?? "" })) }),
    }));
  const { reason, stopCode, eni, ...rest } = report;
  const realEni = eni !== undefined && short(eni.privateIPv4Address) !== undefined && short(eni.macAddress) !== undefined ? eni : undefined;
  return { ...rest, containers, ...only({ reason: cut(reason), stopCode: short(stopCode), eni: realEni }) };
}

const short = (v: string | undefined): string | undefined => (v !== undefined && v.length <= maxIdChars ? v : undefined);
const cut = (v: string | undefined): string | undefined => (v === undefined ? undefined : boundMessage(v));
/** The members that have a value (a report's JSON has no undefined members). */
const only = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
