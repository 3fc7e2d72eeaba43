import type { ContainerInstanceRecord } from "../../domain/container-instance.js";
import { parseTaskDefinitionRef } from "../../domain/arn.js";
import type { ServiceRecord } from "../../domain/service.js";
import type { TaskRecord } from "../../domain/task.js";
import { evaluate } from "../../scheduler/query/evaluate.js";
import { parseExpression } from "../../scheduler/query/parser.js";
import type { ReadTx, TaskDefinitionRecord } from "../../state/store.js";
import type { InstanceFacts } from "./types.js";

/** What one reconcile reads, from one committed state. */
export interface ServiceSnapshot {
  readonly service: ServiceRecord;
  readonly tasks: readonly TaskRecord[];
  readonly instances: readonly InstanceFacts[];
  /** The task definitions of the service's deployments, by ARN. */
  readonly taskDefinitions: ReadonlyMap<string, TaskDefinitionRecord>;
}

export async function loadSnapshot(tx: ReadTx, cluster: string, name: string): Promise<ServiceSnapshot | undefined> {
  const service = await tx.services.get(cluster, name);
  if (!service) return undefined;
  const taskDefinitions = new Map<string, TaskDefinitionRecord>();
  for (const arn of [...service.deployments, ...(service.taskSets ?? [])].map((d) => d.taskDefinitionArn)) {
    const ref = parseTaskDefinitionRef(arn);
    const td = ref?.revision === undefined ? undefined : await tx.taskDefinitions.get(ref.family, ref.revision);
    if (td) taskDefinitions.set(arn, td);
  }
  const records: ContainerInstanceRecord[] = [];
  let after: string | undefined;
  do {
    const page = await tx.containerInstances.list(cluster, { limit: 1000, after });
    records.push(...page.items);
    after = page.nextAfter;
  } while (after);
  const tasks = await tx.tasks.ofService(cluster, name);
  // A FARGATE task runs on the managed pool, not on the cluster's instances: its host is read too,
  // or the service would take it for a task on a gone instance (domain/fargate/).
  const listed = new Set(records.map((i) => i.arn));
  for (const arn of new Set(tasks.filter((t) => t.launchType === "FARGATE").map((t) => t.containerInstanceArn))) {
    const host = listed.has(arn) ? undefined : await tx.containerInstances.get(arn);
    if (host) records.push(host);
  }
  const primaryTd = taskDefinitions.get(service.taskDefinitionArn);
  const eligible = service.schedulingStrategy === "DAEMON" ? daemonFilter(service, primaryTd) : () => true;
  const instances = records.map(
    (i): InstanceFacts => ({
      arn: i.arn,
      status: i.status,
      agentConnected: i.agentConnected,
      agentDisconnectedAtMs: i.agentDisconnectedAtMs,
      daemonEligible: i.cluster === cluster && eligible(i),
    }),
  );
  return { service, tasks, instances, taskDefinitions };
}

/**
 * Which instances a DAEMON service belongs on: its memberOf constraints (the task definition's and
 * its own) and the definition's required attributes. Resources are the placement engine's business.
 */
function daemonFilter(service: ServiceRecord, td: TaskDefinitionRecord | undefined): (i: ContainerInstanceRecord) => boolean {
  const expressions = [...(td?.body.placementConstraints ?? []), ...service.placementConstraints]
    .filter((c) => c.type === "memberOf" && c.expression)
    .map((c) => parseExpression(c.expression ?? ""));
  const required = td?.body.requiresAttributes ?? [];
  return (i) => {
    const attributes = new Map(i.attributes.map((a) => [a.name ?? "", a.value ?? null]));
    if (!required.every((r) => attributes.has(r.name ?? "") && (r.value === undefined || attributes.get(r.name ?? "") === r.value))) return false;
    const target = {
      attribute: (n: string) => attributes.get(n),
      agentConnected: i.agentConnected,
      agentVersion: i.versionInfo.agentVersion,
      ec2InstanceId: i.ec2InstanceId,
      registeredAtMs: i.registeredAtMs,
      runningTasksCount: 0,
      taskGroupCount: () => 0,
      taskGroups: () => [],
    };
    return expressions.every((e) => evaluate(e, target));
  };
}
