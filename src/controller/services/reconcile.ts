import type { ServiceRecord } from "../../domain/service.js";
import { azRebalance } from "./az-rebalance.js";
import { blueGreenStartsAndStops } from "./blue-green.js";
import { daemonStartsAndStops } from "./daemon.js";
import { deploymentProgress, retireDeleted, steadyState } from "./deployment-rules.js";
import { deploymentAlarms } from "./deployment-alarms.js";
import { serviceDeploymentHistory } from "./history-rules.js";
import { pinImages } from "./image-pins.js";
import { circuitBreaker, lostHosts, observeStops, replaceUnhealthy } from "./lifecycle-rules.js";
import { replicaStartsAndStops } from "./replica.js";
import { taskSetStartsAndStops } from "./task-sets.js";
import type { ReconcileInput, ServicePlan } from "./types.js";
import { Working } from "./working.js";

/** One step of a reconcile; each sees what the earlier ones decided. */
export interface Rule {
  readonly name: string;
  readonly apply: (w: Working) => void;
}

/** The service reconciler's rules, in the order they run. */
export const rules: readonly Rule[] = [
  { name: "lost hosts: tasks whose agent has been gone past the grace are recorded STOPPED", apply: lostHosts },
  { name: "observe stops: failures counted per deployment, start failures throttled", apply: observeStops },
  { name: "health: tasks failing container health checks after the grace period are replaced", apply: replaceUnhealthy },
  { name: "circuit breaker: a deployment at its failure threshold fails, and rolls back if asked", apply: circuitBreaker },
  { name: "deployment alarms: a deployment whose alarm goes to ALARM fails, and rolls back if asked", apply: deploymentAlarms },
  {
    name: "placement: starts and stops within minimumHealthyPercent and maximumPercent (REPLICA), blue beside green (BLUE_GREEN), one per instance (DAEMON), or each task set's count (EXTERNAL)",
    apply: (w) =>
      w.service.deploymentController === "EXTERNAL"
        ? taskSetStartsAndStops(w)
        : w.service.schedulingStrategy === "DAEMON"
          ? daemonStartsAndStops(w)
          : w.primary?.blueGreen !== undefined
            ? blueGreenStartsAndStops(w)
            : replicaStartsAndStops(w),
  },
  { name: "deployments: counts, drained ones dropped, PRIMARY completed", apply: deploymentProgress },
  { name: "Availability Zone rebalancing: a settled service's tasks evened out across zones, one at a time", apply: azRebalance },
  { name: "steady state noticed", apply: steadyState },
  { name: "a deleted service with nothing left becomes INACTIVE", apply: retireDeleted },
  { name: "service deployments and revisions follow the deployments", apply: serviceDeploymentHistory },
  { name: "version consistency: a revision keeps the image manifests its first tasks pulled", apply: pinImages },
];

/**
 * The service reconciler: a pure function from (service, its tasks, the cluster's instances, now)
 * to a plan. No I/O, no clock, no randomness (the id of a deployment it might create is an input).
 * Level-triggered: given the state that results from applying its plan, it plans nothing more.
 */
export function reconcileService(input: ReconcileInput): ServicePlan {
  const w = new Working(input);
  if (input.service.status === "INACTIVE") return { lost: [], stops: [], starts: [], observed: [], traffic: [], service: undefined, events: [] };
  for (const rule of rules) rule.apply(w);
  const next: ServiceRecord = { ...w.service, deployments: w.deployments };
  return {
    lost: w.lost,
    stops: w.stops,
    starts: w.starts,
    observed: w.observed,
    traffic: w.traffic,
    service: JSON.stringify(next) === JSON.stringify(input.service) ? undefined : next,
    events: w.events,
  };
}
