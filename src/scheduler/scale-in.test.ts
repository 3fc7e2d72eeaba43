import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClusterState } from "./cluster-state.js";
import { chooseTasksToStop, type ScaleInTask } from "./scale-in.js";
import { seededRandom } from "./strategies/random.js";
import { anInstance } from "./testing/builders.js";
import { replicaServiceDefaultStrategy, type PlacementStrategy } from "./types.js";

const group = "service:web";
const task = (taskId: string, instanceId: string): ScaleInTask => ({ taskId, instanceId, cpu: 256, memory: 512 });

function stop(cluster: ClusterState, tasks: ScaleInTask[], count: number, strategies: PlacementStrategy[]): string[] {
  return chooseTasksToStop({ cluster, group, tasks, count, strategies, random: seededRandom(3) });
}

void describe("chooseTasksToStop", () => {
  void it("spread(AZ) then spread(instanceId) stops from the most loaded zone, then the most loaded instance", () => {
    const cluster = ClusterState.from([
      anInstance({ id: "a1", az: "a", taskGroups: { [group]: 2 } }),
      anInstance({ id: "a2", az: "a", taskGroups: { [group]: 1 } }),
      anInstance({ id: "b1", az: "b", taskGroups: { [group]: 1 } }),
    ]);
    const tasks = [task("t1", "a1"), task("t2", "a1"), task("t3", "a2"), task("t4", "b1")];
    const order = stop(cluster, tasks, 2, [...replicaServiceDefaultStrategy]);
    // a holds 3, b holds 1: the first stop is from a1 (the busier instance in a); then a has 2, b 1: a again.
    assert.ok(["t1", "t2"].includes(order[0] ?? ""));
    assert.ok(["t1", "t2", "t3"].includes(order[1] ?? ""));
  });

  void it("binpack(memory) stops the task on the instance with the most memory left", () => {
    const cluster = ClusterState.from([anInstance({ id: "full", remainingMemory: 100 }), anInstance({ id: "empty", remainingMemory: 3000 })]);
    assert.deepEqual(stop(cluster, [task("on-full", "full"), task("on-empty", "empty")], 1, [{ type: "binpack", field: "memory" }]), ["on-empty"]);
  });

  void it("never returns more than asked or a task twice, and is reproducible", () => {
    const cluster = ClusterState.from(["x", "y"].map((id) => anInstance({ id, taskGroups: { [group]: 3 } })));
    const tasks = ["x", "x", "x", "y", "y", "y"].map((at, n) => task(`t${n}`, at));
    const order = stop(cluster, tasks, 4, [{ type: "random" }]);
    assert.equal(order.length, 4);
    assert.equal(new Set(order).size, 4);
    assert.deepEqual(stop(cluster, tasks, 4, [{ type: "random" }]), order);
    assert.equal(stop(cluster, tasks, 10, []).length, 6);
  });
});
