import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CapacityProviderStrategyItem } from "@aws-sdk/client-ecs";
import type { ServiceRecord } from "./service.js";
import { activeAndDraining, activeServices, serviceCountKey, serviceLaunchType } from "./service-counts.js";

const strategy = (...providers: string[]): CapacityProviderStrategyItem[] => providers.map((capacityProvider) => ({ capacityProvider, weight: 1, base: 0 }));

describe("a cluster's service counts", () => {
  it("give a service the launch type its tasks get: its launch type, or FARGATE for a strategy of Fargate's providers", () => {
    // As CreateService keeps them: a service with a strategy keeps launchType EC2 beside it, unused.
    const table: readonly [Pick<ServiceRecord, "launchType" | "capacityProviderStrategy">, "EC2" | "FARGATE"][] = [
      [{ launchType: "EC2" }, "EC2"],
      [{ launchType: "FARGATE" }, "FARGATE"],
      [{ launchType: "EC2", capacityProviderStrategy: strategy("FARGATE") }, "FARGATE"],
      [{ launchType: "EC2", capacityProviderStrategy: strategy("FARGATE_SPOT") }, "FARGATE"],
      [{ launchType: "EC2", capacityProviderStrategy: strategy("FARGATE", "FARGATE_SPOT") }, "FARGATE"],
      [{ launchType: "EC2", capacityProviderStrategy: strategy("on-demand", "spot-like") }, "EC2"],
      [{ launchType: "FARGATE", capacityProviderStrategy: strategy("on-demand") }, "EC2"],
    ];
    for (const [s, launchType] of table) assert.equal(serviceLaunchType(s), launchType, JSON.stringify(s));
  });

  it("count ACTIVE and DRAINING services of each launch type apart, and every ACTIVE one in the total", () => {
    const services: Pick<ServiceRecord, "status" | "launchType" | "capacityProviderStrategy">[] = [
      { status: "ACTIVE", launchType: "EC2" },
      { status: "ACTIVE", launchType: "EC2", capacityProviderStrategy: strategy("on-demand") },
      { status: "DRAINING", launchType: "EC2" },
      { status: "ACTIVE", launchType: "FARGATE" },
      { status: "ACTIVE", launchType: "EC2", capacityProviderStrategy: strategy("FARGATE_SPOT") },
      { status: "ACTIVE", launchType: "EC2", capacityProviderStrategy: strategy("FARGATE") },
      { status: "DRAINING", launchType: "EC2", capacityProviderStrategy: strategy("FARGATE") },
      { status: "DRAINING", launchType: "FARGATE" },
    ];
    const counts = new Map<string, number>();
    for (const key of services.map(serviceCountKey)) counts.set(key, (counts.get(key) ?? 0) + 1);
    assert.deepEqual(activeAndDraining(counts, "EC2"), { active: 2, draining: 1 });
    assert.deepEqual(activeAndDraining(counts, "FARGATE"), { active: 3, draining: 2 });
    assert.equal(activeServices(counts), 5);
    assert.equal(activeServices(new Map()), 0);
  });

  it("move a service from ACTIVE to DRAINING within its launch type", () => {
    const active = serviceCountKey({ status: "ACTIVE", launchType: "FARGATE" });
    const draining = serviceCountKey({ status: "DRAINING", launchType: "FARGATE" });
    assert.deepEqual(activeAndDraining(new Map([[active, 1]]), "FARGATE"), { active: 1, draining: 0 });
    assert.deepEqual(activeAndDraining(new Map([[draining, 1]]), "FARGATE"), { active: 0, draining: 1 });
    assert.deepEqual(activeAndDraining(new Map([[draining, 1]]), "EC2"), { active: 0, draining: 0 });
    assert.equal(activeServices(new Map([[draining, 1]])), 0, "a DRAINING service is not in activeServicesCount");
  });
});
