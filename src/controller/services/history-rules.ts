import type { ServiceDeploymentStatus, ServiceRevisionLoadBalancer } from "@aws-sdk/client-ecs";
import type { DeploymentRecord } from "../../domain/service.js";
import {
  finishedStatuses,
  historyIdOf,
  historyLimit,
  ownerOf,
  revisionIdOf,
  type RevisionRef,
  type ServiceDeploymentRecord,
  type ServiceRevisionRecord,
} from "../../domain/service-deployment.js";
import { sameJson } from "../../domain/same-json.js";
import type { Working } from "./working.js";

export const historyReasons = {
  replaced: "The service deployment was stopped because a newer service deployment replaced it.",
  successful: "The service deployment completed: every task of the target revision is running and healthy.",
  rolledBack: "The service deployment rolled back to the source service revision.",
  rollbackFailed: "The rollback to the source service revision failed: its tasks failed to start.",
  stopRequested: "Rollback requested by StopServiceDeployment.",
  circuitBreaker: "The deployment circuit breaker failed the service deployment: tasks failed to start.",
  alarms: "A deployment alarm went to ALARM: the service deployment failed.",
};

/**
 * Service deployments and revisions (domain/service-deployment.ts) follow the service's deployments,
 * after every other rule: a deployment seen for the first time becomes a service deployment (its
 * sources are the deployments it replaces) with its revision, unless it is a rollback the circuit
 * breaker just started (it then belongs to the service deployment it rolls back, as does a blue
 * deployment made PRIMARY again by a blue/green rollback); statuses follow
 * the deployments' rollout states; the newest `historyLimit` are kept.
 */
export function serviceDeploymentHistory(w: Working): void {
  const before = w.input.service.deployments;
  const history: ServiceDeploymentRecord[] = [...(w.service.serviceDeployments ?? [])];
  const revisions: ServiceRevisionRecord[] = [...(w.service.serviceRevisions ?? [])];
  const refOf = (d: DeploymentRecord): RevisionRef => ({ revisionId: revisionIdOf(history, d.id) ?? historyIdOf(d.id), deploymentId: d.id });

  // A blue/green rollback makes blue PRIMARY again (blue-green.ts): it joins the failed deployment's service deployment.
  const promoted = w.deployments[0];
  if (promoted !== undefined && before[0] !== undefined && promoted.id !== before[0].id && before.some((b) => b.id === promoted.id)) attachRollback(w, history, promoted, refOf, true);

  // Oldest first, so that a deployment's sources already have their revisions.
  const seen = [...w.deployments.filter((d) => !before.some((b) => b.id === d.id)), ...before];
  for (let i = seen.length - 1; i >= 0; i--) {
    const d = seen[i]!;
    if (ownerOf(history, d.id) !== undefined) continue;
    if (d.id === w.input.newDeploymentId && !before.some((b) => b.id === d.id)) {
      attachRollback(w, history, d, refOf);
      continue;
    }
    const id = historyIdOf(d.id);
    revisions.push({
      id,
      taskDefinitionArn: d.taskDefinitionArn,
      capacityProviderStrategy: w.service.capacityProviderStrategy,
      loadBalancers: w.service.loadBalancers,
      networkConfiguration: w.service.networkConfiguration,
      ...(d.blueGreen !== undefined && { resolvedLoadBalancers: resolvedLoadBalancers(w, d.blueGreen.targetGroups) }),
      createdAtMs: d.createdAtMs,
    });
    history.push({
      id,
      deploymentId: d.id,
      status: "PENDING",
      statusReason: d.rolloutStateReason,
      sources: seen.slice(i + 1).map(refOf),
      targetRevisionId: id,
      deploymentConfiguration: w.service.deploymentConfiguration,
      createdAtMs: d.createdAtMs,
      updatedAtMs: w.nowMs,
    });
  }

  const next = history
    .map((h) => withTargetState(w, follow(w, h)))
    .sort((a, b) => b.createdAtMs - a.createdAtMs)
    .slice(0, historyLimit);
  const named = new Set(next.flatMap((h) => [h.targetRevisionId, ...h.sources.map((s) => s.revisionId), ...(h.rollback ? [h.rollback.revisionId] : [])]));
  const kept = revisions.filter((r) => named.has(r.id));
  if (JSON.stringify(next) !== JSON.stringify(w.service.serviceDeployments ?? []) || JSON.stringify(kept) !== JSON.stringify(w.service.serviceRevisions ?? [])) {
    w.service = { ...w.service, serviceDeployments: next, serviceRevisions: kept };
  }
}

/**
 * A rollback deployment joins the service deployment of the deployment it replaced: the PRIMARY one
 * of this reconcile's input (it may have drained away in this same plan).
 */
function attachRollback(w: Working, history: ServiceDeploymentRecord[], d: DeploymentRecord, refOf: (d: DeploymentRecord) => RevisionRef, promoted = false): void {
  const failed = w.input.service.deployments[0];
  const at = failed === undefined ? -1 : history.findIndex((h) => h.deploymentId === failed.id);
  // A promoted blue deployment runs its own revision; a new rollback deployment the last COMPLETED one's.
  const back = promoted ? { deploymentId: d.id } : w.service.lastCompleted;
  if (at < 0 || back === undefined) return;
  const h = history[at]!;
  const returnsTo = w.deployments.find((x) => x.id === back.deploymentId);
  const revisionId = returnsTo === undefined ? (history.find((x) => x.deploymentId === back.deploymentId)?.targetRevisionId ?? historyIdOf(back.deploymentId)) : refOf(returnsTo).revisionId;
  const byAlarms = alarmsTriggered(w, failed!.id);
  const reason = h.rollbackRequestedAtMs !== undefined ? historyReasons.stopRequested : byAlarms ? historyReasons.alarms : historyReasons.circuitBreaker;
  history[at] = { ...h, rollback: { reason, startedAtMs: w.nowMs, revisionId, deploymentId: d.id }, circuitBreakerTriggered: h.rollbackRequestedAtMs === undefined && !byAlarms };
}

/** Whether the deployment failed because one of its deployment alarms went to ALARM. */
const alarmsTriggered = (w: Working, deploymentId: string): boolean => w.deployments.find((x) => x.id === deploymentId)?.alarmWatch?.status === "TRIGGERED";

/** The deployment alarms' watch and the blue/green stage of the service deployment's target, kept after the deployment itself is gone. */
function withTargetState(w: Working, h: ServiceDeploymentRecord): ServiceDeploymentRecord {
  const target = w.deployments.find((d) => d.id === h.deploymentId);
  const watch = target?.alarmWatch;
  const stage = target?.blueGreen?.stage;
  const watched = watch === undefined || sameJson(watch, h.alarmWatch) ? h : { ...h, alarmWatch: watch };
  return stage === undefined || stage === h.lifecycleStage ? watched : { ...watched, lifecycleStage: stage };
}

/** A blue/green revision's target group of each load balancer, with its production rule (ECS's resolvedConfiguration). */
function resolvedLoadBalancers(w: Working, targetGroups: readonly string[]): ServiceRevisionLoadBalancer[] {
  return (w.service.loadBalancers ?? []).map((lb, i) => ({
    targetGroupArn: targetGroups[i],
    ...(lb.advancedConfiguration?.productionListenerRule !== undefined && { productionListenerRule: lb.advancedConfiguration.productionListenerRule }),
  }));
}

/** A service deployment's status from its deployments' rollout states; finished ones never change. */
function follow(w: Working, h: ServiceDeploymentRecord): ServiceDeploymentRecord {
  if (finishedStatuses.has(h.status)) return h;
  const primaryId = w.deployments[0]?.id;
  const target = w.deployments.find((d) => d.id === h.deploymentId);
  let status: ServiceDeploymentStatus;
  let reason: string;
  if (h.rollback !== undefined) {
    const rb = w.deployments.find((d) => d.id === h.rollback?.deploymentId);
    if (rb?.rolloutState === "COMPLETED") [status, reason] = ["ROLLBACK_SUCCESSFUL", historyReasons.rolledBack];
    else if (rb?.rolloutState === "FAILED") [status, reason] = ["ROLLBACK_FAILED", historyReasons.rollbackFailed];
    else if (rb === undefined || rb.id !== primaryId) [status, reason] = ["STOPPED", historyReasons.replaced];
    else [status, reason] = ["ROLLBACK_IN_PROGRESS", h.rollback.reason];
  } else if (target?.rolloutState === "COMPLETED") [status, reason] = ["SUCCESSFUL", historyReasons.successful];
  else if (target?.rolloutState === "FAILED") [status, reason] = [h.rollbackRequestedAtMs !== undefined ? "ROLLBACK_FAILED" : "STOPPED", target.rolloutStateReason];
  else if (target === undefined || target.id !== primaryId) [status, reason] = ["STOPPED", historyReasons.replaced];
  else if (h.rollbackRequestedAtMs !== undefined) [status, reason] = ["ROLLBACK_REQUESTED", historyReasons.stopRequested];
  else [status, reason] = ["IN_PROGRESS", target.rolloutStateReason];
  if (status === h.status && reason === h.statusReason) return h;
  const ends = finishedStatuses.has(status);
  return {
    ...h,
    status,
    statusReason: reason,
    circuitBreakerTriggered: h.circuitBreakerTriggered === true || (target?.rolloutState === "FAILED" && h.rollbackRequestedAtMs === undefined && !alarmsTriggered(w, target.id)),
    updatedAtMs: w.nowMs,
    ...(ends && status !== "STOPPED" ? { finishedAtMs: w.nowMs } : {}),
    ...(status === "STOPPED" ? { stoppedAtMs: w.nowMs } : {}),
  };
}
