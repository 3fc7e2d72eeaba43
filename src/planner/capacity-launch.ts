import type { Failure } from "@aws-sdk/client-ecs";
import type { Partition } from "../domain/arn.js";
import { splitByStrategy } from "../domain/capacity/strategy.js";
import type { Launch } from "../domain/launch.js";
import type { TaskRecord } from "../domain/task.js";
import type { WriteTx } from "../state/store.js";
import type { LaunchResult, Planner } from "./planner.js";

/**
 * A launch of `count` tasks through its capacity: a launch type places them in one go; a capacity
 * provider strategy splits them among its providers (base, then weight: `splitByStrategy`, given
 * how many tasks each provider already runs for the caller) and places each provider's share,
 * every task carrying its provider's name. Berth's providers all place on the cluster's container
 * instances, so the shares are placed one after another in the same write, each seeing the last.
 */
export async function launchThroughCapacity(
  planner: Planner,
  tx: WriteTx,
  launch: Launch,
  count: number,
  ctx: { readonly partition: Partition; readonly nowMs: number },
  running: ReadonlyMap<string, number> = new Map(),
): Promise<LaunchResult> {
  if (launch.capacity.kind === "launch-type") return planner.launch(tx, launch, count, ctx);
  const tasks: TaskRecord[] = [];
  const failures = new Map<string, Failure>();
  let explanation: LaunchResult["explanation"];
  for (const [provider, share] of splitByStrategy(launch.capacity.strategy, count, running)) {
    const result = await planner.launch(tx, { ...launch, capacityProviderName: provider }, share, ctx);
    tasks.push(...result.tasks);
    // The providers share the instances: one instance's refusal is reported once.
    for (const f of result.failures) if (!failures.has(f.arn ?? "")) failures.set(f.arn ?? "", f);
    explanation = result.explanation ?? explanation;
  }
  return { tasks, failures: [...failures.values()], explanation };
}

/** How many of `tasks` (a service's) each capacity provider runs, for the next split. */
export function tasksPerProvider(tasks: readonly TaskRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tasks) {
    if (t.capacityProviderName !== undefined && t.spec.desiredStatus !== "STOPPED") counts.set(t.capacityProviderName, (counts.get(t.capacityProviderName) ?? 0) + 1);
  }
  return counts;
}
