import type { Service } from "@aws-sdk/client-ecs";

/**
 * How `berth deploy` reads a service while its deployment runs. Pure: one DescribeServices result
 * in, what to print and whether it is over out.
 */
export type DeployStep =
  | { readonly kind: "progress"; readonly line: string }
  | { readonly kind: "completed"; readonly line: string }
  | { readonly kind: "failed"; readonly line: string; readonly reason: string };

export function deployStep(service: Service, deploymentId: string): DeployStep {
  const deployment = service.deployments?.find((d) => d.id === deploymentId);
  if (deployment === undefined) {
    // Rolled back (or replaced by another UpdateService) between two looks: the new PRIMARY says why.
    const primary = service.deployments?.[0];
    const runs = primary?.taskDefinition?.split("/").pop() ?? "nothing";
    const reason = `it was rolled back or replaced; the service runs ${runs} again (${primary?.rolloutStateReason ?? "no reason given"})`;
    return { kind: "failed", line: `deployment ${deploymentId} is no longer on the service`, reason };
  }
  const others = (service.deployments ?? []).filter((d) => d.id !== deploymentId);
  const old = others.reduce((n, d) => n + (d.runningCount ?? 0) + (d.pendingCount ?? 0), 0);
  const line =
    `${deployment.runningCount ?? 0}/${deployment.desiredCount ?? 0} new tasks running, ${deployment.pendingCount ?? 0} pending` +
    (deployment.failedTasks ? `, ${deployment.failedTasks} failed` : "") +
    (others.length > 0 ? `; ${old} old task${old === 1 ? "" : "s"} left` : "") +
    ` (${deployment.rolloutState ?? "IN_PROGRESS"})`;
  if (deployment.rolloutState === "COMPLETED") return { kind: "completed", line };
  if (deployment.rolloutState === "FAILED") return { kind: "failed", line, reason: deployment.rolloutStateReason ?? "the deployment failed" };
  return { kind: "progress", line };
}
