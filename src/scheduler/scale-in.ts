import type { ClusterState } from "./cluster-state.js";
import { compileStrategies, type StrategyKey } from "./strategies/keys.js";
import { drawSeed, tieHash } from "./strategies/random.js";
import type { PlacementStrategy, Random } from "./types.js";

/** A running task of the group being scaled in, with what it holds (freed when it stops). */
export interface ScaleInTask {
  readonly taskId: string;
  readonly instanceId: string;
  readonly cpu: number;
  readonly memory: number;
}

export interface ScaleInInput {
  readonly cluster: ClusterState;
  readonly group: string;
  readonly tasks: readonly ScaleInTask[];
  readonly count: number;
  /** The service's placement strategies (pass `replicaServiceDefaultStrategy` when it has none); empty means random. */
  readonly strategies: readonly PlacementStrategy[];
  readonly random: Random;
}

/**
 * Which tasks to stop first when a service scales in, under the same strategies as placement but
 * read in reverse (ECS "task placement strategies", scale-in column):
 * - binpack(cpu|memory): the task on the instance with the most of that resource remaining, so
 *   that lightly used instances empty out;
 * - spread(instanceId | attribute:X): a task from the most loaded instance or value of X, so the
 *   balance is kept;
 * - random, and every remaining tie: a seeded hash of (seed, pick, task position).
 * Each choice counts as stopped before the next is made. Returns task ids in stop order.
 */
export function chooseTasksToStop(input: ScaleInInput): string[] {
  const { cluster, group } = input;
  const keys = compileStrategies(input.strategies);
  const seed = drawSeed(input.random);
  const remaining = { cpu: cluster.remainingCpu.slice(), memory: cluster.remainingMemory.slice() };
  const perInstance = cluster.groupColumnIfAny(group)?.slice() ?? new Int32Array(cluster.size);
  const left = input.tasks.map((task, position) => ({ task, position, at: cluster.indexOf(task.instanceId) ?? -1 }));
  const chosen: string[] = [];

  // Larger is "more deserving of a stop" for every key; negated so that the smallest tuple wins.
  const keyOf = (k: StrategyKey, at: number, position: number, pick: number): number => {
    switch (k.kind) {
      case "binpack":
        return -((k.field === "cpu" ? remaining.cpu[at] : remaining.memory[at]) ?? 0);
      case "spreadInstance":
        return -(perInstance[at] ?? 0);
      case "spreadAttribute": {
        const index = cluster.attributeIndex(k.attribute);
        let load = 0;
        for (let i = 0; i < cluster.size; i++) if (index.valueIds[i] === index.valueIds[at]) load += perInstance[i] ?? 0;
        return -load;
      }
      case "random":
        return tieHash(seed, pick, position);
    }
  };

  for (let pick = 0; pick < input.count && left.length > 0; pick++) {
    let best = 0;
    let bestKey: number[] | undefined;
    left.forEach((entry, n) => {
      const key = [...keys.map((k) => keyOf(k, entry.at, entry.position, pick)), tieHash(seed, pick, entry.position)];
      if (bestKey === undefined || less(key, bestKey)) [best, bestKey] = [n, key];
    });
    const [stop] = left.splice(best, 1);
    if (stop === undefined) break;
    chosen.push(stop.task.taskId);
    if (stop.at >= 0) {
      remaining.cpu[stop.at] = (remaining.cpu[stop.at] ?? 0) + stop.task.cpu;
      remaining.memory[stop.at] = (remaining.memory[stop.at] ?? 0) + stop.task.memory;
      perInstance[stop.at] = (perInstance[stop.at] ?? 0) - 1;
    }
  }
  return chosen;
}

function less(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if ((a[k] ?? 0) !== (b[k] ?? 0)) return (a[k] ?? 0) < (b[k] ?? 0);
  return false;
}
