import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskDefinitionRecord } from "../../state/store.js";
import { isFargateCapacity, launchCapacity } from "../capacity/launch-capacity.js";
import type { ClusterRecord } from "../cluster.js";
import { checkFargateLaunch, fargatePlatform } from "./fargate-launch.js";
import { fargatePoolCluster, placementClusterOf } from "./pool.js";
import { validateClusterName } from "../cluster.js";

const definition = (compatibilities: TaskDefinitionRecord["body"]["compatibilities"]): TaskDefinitionRecord => ({
  family: "web",
  revision: 3,
  status: "ACTIVE",
  body: { family: "web", revision: 3, compatibilities, networkMode: "awsvpc", cpu: "256", memory: "512", containerDefinitions: [] },
  registeredAtMs: 0,
  version: 1,
} as TaskDefinitionRecord);

const aCluster = (over: Partial<ClusterRecord> = {}): ClusterRecord => ({ name: "c", capacityProviders: ["FARGATE", "FARGATE_SPOT"], ...over }) as ClusterRecord;

describe("Fargate launches", () => {
  it("runs on platform 1.4.0: LATEST and absent resolve to it, any other version is ECS's PlatformUnknownException", () => {
    assert.equal(fargatePlatform(undefined), "1.4.0");
    assert.equal(fargatePlatform("LATEST"), "1.4.0");
    assert.equal(fargatePlatform("1.4.0"), "1.4.0");
    for (const v of ["1.3.0", "1.0.0", "9.9.9", "latest"]) assert.throws(() => fargatePlatform(v), { code: "PlatformUnknownException" }, v);
  });

  it("takes a definition whose compatibilities name FARGATE, and no placement constraints or strategies", () => {
    assert.doesNotThrow(() => checkFargateLaunch(definition(["EC2", "FARGATE"]), {}));
    assert.doesNotThrow(() => checkFargateLaunch(definition(["EC2", "FARGATE"]), { placementConstraints: [], placementStrategy: [] }));
    assert.throws(() => checkFargateLaunch(definition(["EC2"]), {}), { code: "InvalidParameterException", message: /^Task definition does not support launch_type FARGATE\. .*web:3/ });
    assert.throws(() => checkFargateLaunch(definition(["EC2", "FARGATE"]), { placementConstraints: [{ type: "distinctInstance" }] }), { message: /constraints are not supported for the FARGATE launch type/ });
    assert.throws(() => checkFargateLaunch(definition(["EC2", "FARGATE"]), { placementStrategy: [{ type: "random" }] }), { message: /strategies are not supported for the FARGATE launch type/ });
  });

  it("is Fargate's capacity for the FARGATE launch type and for strategies of FARGATE / FARGATE_SPOT, and for nothing else", () => {
    const table: Array<[Parameters<typeof launchCapacity>[1], boolean]> = [
      [{}, false],
      [{ launchType: "EC2" }, false],
      [{ launchType: "FARGATE" }, true],
      [{ capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }] }, true],
      [{ capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }, { capacityProvider: "FARGATE", base: 1, weight: 0 }] }, true],
    ];
    for (const [request, fargate] of table) assert.equal(isFargateCapacity(launchCapacity(aCluster(), request)), fargate, JSON.stringify(request));
    // The cluster's default strategy counts when the request names none.
    assert.equal(isFargateCapacity(launchCapacity(aCluster({ defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] }), {})), true);
  });

  it("keeps the pool under a name no ECS cluster can have; FARGATE tasks are placed there, others in their cluster", () => {
    assert.throws(() => validateClusterName(fargatePoolCluster));
    assert.equal(placementClusterOf({ cluster: "c", launchType: "FARGATE" }), fargatePoolCluster);
    assert.equal(placementClusterOf({ cluster: "c", launchType: "EC2" }), "c");
  });
});
