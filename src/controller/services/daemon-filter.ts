import type { ServiceRecord } from "../../domain/service.js";
import { evaluate } from "../../scheduler/query/evaluate.js";
import { parseExpression } from "../../scheduler/query/parser.js";
import type { TaskDefinitionRecord } from "../../state/store.js";
import type { InstanceRow } from "./instance-facts.js";

export type DaemonFilter = (i: InstanceRow) => boolean;

/**
 * Which instances a DAEMON service belongs on: its memberOf constraints (the task definition's and
 * its own) and the definition's required attributes. Resources are the placement engine's business.
 * The expressions are parsed here, once; the filter is then evaluated per instance.
 */
export function compileDaemonFilter(service: ServiceRecord, td: TaskDefinitionRecord | undefined): DaemonFilter {
  const expressions = [...(td?.body.placementConstraints ?? []), ...service.placementConstraints]
    .filter((c) => c.type === "memberOf" && c.expression)
    .map((c) => parseExpression(c.expression ?? ""));
  const required = td?.body.requiresAttributes ?? [];
  return (i) => {
    const attributes = i.attributes;
    if (!required.every((r) => attributes.has(r.name ?? "") && (r.value === undefined || attributes.get(r.name ?? "") === r.value))) return false;
    const target = {
      attribute: (n: string) => attributes.get(n),
      agentConnected: i.agentConnected,
      agentVersion: i.agentVersion,
      ec2InstanceId: i.ec2InstanceId,
      registeredAtMs: i.registeredAtMs,
      runningTasksCount: 0,
      taskGroupCount: () => 0,
      taskGroups: () => [],
    };
    return expressions.every((e) => evaluate(e, target));
  };
}

/**
 * Compiled filters by service, reused while the service's constraints and task definition stay
 * the same (a reconcile runs every second per service; the expressions change only on an update).
 */
export class DaemonFilters {
  private readonly byService = new Map<string, { readonly key: string; readonly filter: DaemonFilter }>();

  of(service: ServiceRecord, td: TaskDefinitionRecord | undefined): DaemonFilter {
    const key = `${td === undefined ? "" : `${td.family}:${td.revision}`}\u0000${JSON.stringify(service.placementConstraints)}`;
    const kept = this.byService.get(service.arn);
    if (kept?.key === key) return kept.filter;
    const filter = compileDaemonFilter(service, td);
    this.byService.set(service.arn, { key, filter });
    return filter;
  }

  forget(serviceArn: string): void {
    this.byService.delete(serviceArn);
  }
}
