import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ServiceRecord } from "../../domain/service.js";
import type { InstanceFacts } from "./types.js";
import { aDeployment, aService, anInstance, World } from "./testing.js";

const zoneA = anInstance("a1", { zone: "us-east-1a" });
const zoneB = anInstance("b1", { zone: "us-east-1b" });

/** A settled service of 4 tasks, all on zone a's instance (zone b was away), rebalancing as asked. */
function imbalanced(o: Partial<ServiceRecord> & { min?: number; max?: number } = {}, instances: InstanceFacts[] = [zoneA, zoneB]): World {
  const service = aService({ availabilityZoneRebalancing: "ENABLED", deployments: [aDeployment({ rolloutState: "COMPLETED", desiredCount: 4 })], ...o });
  const world = new World(service, [{ ...zoneA }, { ...zoneB, status: "DRAINING" }]);
  world.settle();
  assert.equal(world.running().length, 4);
  world.instances = instances;
  return world;
}

const perZone = (world: World): Record<string, number> => {
  const zones: Record<string, number> = {};
  for (const t of world.running()) {
    const zone = world.instances.find((i) => i.arn === t.containerInstanceArn)?.zone ?? "?";
    zones[zone] = (zones[zone] ?? 0) + 1;
  }
  return zones;
};

describe("Availability Zone rebalancing", () => {
  it("starts a task in the zone with the fewest, stops one in the zone with the most once it is healthy, until balanced; events in ECS's words", () => {
    const world = imbalanced();
    const first = world.reconcile();
    assert.deepEqual(first.starts.map((s) => [s.count, s.zone]), [[1, "us-east-1b"]]);
    assert.deepEqual(first.events, ["service (web) is not AZ balanced with 0 tasks in us-east-1b and 4 tasks in us-east-1a. AZ Rebalancing in progress."]);
    world.apply(first);
    for (let i = 0; i < 20 && world.reconcile().events.every((e) => !e.includes("is AZ balanced")); i++) world.run(1);
    assert.deepEqual(perZone(world), { "us-east-1a": 2, "us-east-1b": 2 });
    assert.equal(world.running().length, 4);
    const events = world.reconcile().events;
    assert.deepEqual(events.filter((e) => e.includes("AZ balanced")), ["service (web) is AZ balanced with 2 tasks in us-east-1a and 2 tasks in us-east-1b."]);
    world.apply(world.reconcile());
    world.run(3);
    assert.deepEqual(world.reconcile().starts, [], "balanced: nothing more");
  });

  it("never has fewer than the desired count healthy: without room above it, a task goes first only if minimumHealthyPercent allows", () => {
    const blocked = imbalanced({ min: 100, max: 100 });
    assert.deepEqual([blocked.reconcile().starts, blocked.reconcile().stops], [[], []]);
    const world = imbalanced({ min: 50, max: 100 });
    const plan = world.reconcile();
    assert.equal(plan.stops.length, 1);
    assert.match(plan.stops[0]!.reason, /Availability Zone rebalancing/);
    world.run(20);
    assert.deepEqual(perZone(world), { "us-east-1a": 2, "us-east-1b": 2 });
  });

  it("leaves a service alone when DISABLED, binpacking, rolling out, or when the other zone has no capacity", () => {
    assert.deepEqual(imbalanced({ availabilityZoneRebalancing: "DISABLED" }).reconcile().starts, []);
    assert.deepEqual(imbalanced({ placementStrategy: [{ type: "binpack", field: "memory" }] }).reconcile().starts, []);
    assert.deepEqual(imbalanced({}, [zoneA, { ...zoneB, agentConnected: false, agentDisconnectedAtMs: 0 }]).reconcile().starts, []);
    const rolling = imbalanced();
    rolling.service = { ...rolling.service, deployments: [aDeployment({ id: "ecs-svc/2" }), ...rolling.service.deployments.map((d) => ({ ...d, status: "ACTIVE" as const }))] };
    assert.ok(rolling.reconcile().starts.every((s) => s.zone === undefined));
  });
});
