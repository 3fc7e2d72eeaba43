import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DeploymentConfig, ServiceRecord } from "../../domain/service.js";
import { aService, anInstance, deploy, World } from "./testing.js";

const blueTg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/blue/1";
const greenTg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/green/2";
const prodRule = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/web/1/2/3";
const testRule = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/web/1/4/5";

/** A new BLUE_GREEN (or LINEAR, CANARY) service of 2 tasks behind a pair of target groups, baking `bakeTimeInMinutes`, as CreateService makes it. */
function blueGreenService(bakeTimeInMinutes: number, o: Partial<ServiceRecord> = {}, steps: Partial<DeploymentConfig> = {}): ServiceRecord {
  const base = aService({
    desiredCount: 2,
    max: 100,
    deployments: [],
    loadBalancers: [
      { targetGroupArn: blueTg, containerName: "app", containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: greenTg, productionListenerRule: prodRule, testListenerRule: testRule } },
    ],
    ...o,
  });
  return deploy({ ...base, deploymentConfiguration: { ...base.deploymentConfiguration, strategy: "BLUE_GREEN", bakeTimeInMinutes, ...steps } }, "ecs-svc/1", 1, 0);
}

const ids = (tasks: readonly { id: string }[]) => tasks.map((t) => t.id).sort();

describe("blue/green deployments", () => {
  it("green runs its whole count beside blue (maximumPercent aside), takes test then production traffic once healthy, and blue goes only after the bake time", () => {
    const world = new World(blueGreenService(1), [anInstance("i1"), anInstance("i2")]);
    world.settle();
    assert.equal(world.service.deployments[0]?.rolloutState, "COMPLETED");
    assert.deepEqual(world.service.deployments[0]?.blueGreen?.targetGroups, [blueTg], "a new service's first deployment takes targetGroupArn");
    const blue = ids(world.running("ecs-svc/1"));
    assert.equal(blue.length, 2);
    world.traffic = [];

    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    assert.deepEqual(world.service.deployments[0]?.blueGreen, { stage: "SCALE_UP", targetGroups: [greenTg], from: "ecs-svc/1" });
    world.run(1);
    assert.equal(world.alive().length, 4, "green's 2 tasks start beside blue's 2 although maximumPercent is 100");
    assert.deepEqual(world.traffic, [], "no traffic moves before green is healthy");
    world.run(2);
    assert.deepEqual(world.traffic, [
      { ruleArn: testRule, weights: { [greenTg]: 100, [blueTg]: 0 } },
      { ruleArn: prodRule, weights: { [greenTg]: 100, [blueTg]: 0 } },
    ]);
    assert.deepEqual(world.service.production, { deploymentId: "ecs-svc/2", targetGroups: [greenTg] });
    assert.equal(world.service.deployments[0]?.blueGreen?.stage, "BAKE_TIME");
    assert.equal(world.service.serviceDeployments?.[0]?.lifecycleStage, "BAKE_TIME");

    world.run(50);
    assert.deepEqual(ids(world.running("ecs-svc/1")), blue, "blue keeps running through the bake time");
    assert.equal(world.service.deployments[0]?.rolloutState, "IN_PROGRESS");

    world.run(15);
    assert.deepEqual(world.running("ecs-svc/1"), [], "blue goes once baked");
    assert.equal(world.running("ecs-svc/2").length, 2);
    assert.deepEqual(world.service.deployments.map((d) => [d.id, d.rolloutState]), [["ecs-svc/2", "COMPLETED"]]);
    assert.equal(world.service.serviceDeployments?.[0]?.status, "SUCCESSFUL");
    assert.equal(world.service.serviceDeployments?.[0]?.lifecycleStage, "CLEAN_UP");
    assert.equal(world.traffic.length, 2, "traffic moved once");

    // The next deployment goes back to the first target group of the pair.
    world.service = deploy(world.service, "ecs-svc/3", 3, world.nowMs);
    assert.deepEqual(world.service.deployments[0]?.blueGreen?.targetGroups, [blueTg]);
    const revision = world.service.serviceRevisions?.find((r) => r.id === "2");
    assert.deepEqual(revision?.resolvedLoadBalancers, [{ targetGroupArn: greenTg, productionListenerRule: prodRule }]);
  });

  it("a rollback during the bake time turns traffic back to blue's tasks, which never stopped, and green's go", () => {
    const world = new World(blueGreenService(10), [anInstance("i1"), anInstance("i2")]);
    world.settle();
    const blue = ids(world.running("ecs-svc/1"));
    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    world.run(5);
    assert.equal(world.service.deployments[0]?.blueGreen?.stage, "BAKE_TIME");
    world.traffic = [];

    // StopServiceDeployment with ROLLBACK, as the API records it.
    world.service = {
      ...world.service,
      serviceDeployments: world.service.serviceDeployments?.map((h) => (h.deploymentId === "ecs-svc/2" ? { ...h, rollbackRequestedAtMs: world.nowMs } : h)),
    };
    world.run(1);
    assert.deepEqual(world.traffic, [
      { ruleArn: testRule, weights: { [blueTg]: 100, [greenTg]: 0 } },
      { ruleArn: prodRule, weights: { [blueTg]: 100, [greenTg]: 0 } },
    ]);
    assert.deepEqual(world.service.production, { deploymentId: "ecs-svc/1", targetGroups: [blueTg] });
    assert.equal(world.service.deployments[0]?.id, "ecs-svc/1", "blue is PRIMARY again");
    world.run(3);
    assert.deepEqual(ids(world.running()), blue, "the same blue tasks run; no task was started for the rollback");
    assert.deepEqual(world.service.deployments.map((d) => d.id), ["ecs-svc/1"]);
    const h = world.service.serviceDeployments?.find((x) => x.deploymentId === "ecs-svc/2");
    assert.equal(h?.status, "ROLLBACK_SUCCESSFUL");
    assert.equal(h?.rollback?.deploymentId, "ecs-svc/1");
    assert.equal(h?.rollback?.revisionId, "1");
  });

  it("green failing to start trips the circuit breaker before any traffic moves; blue keeps serving", () => {
    const world = new World(blueGreenService(0, { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: { enable: true, rollback: true } } }), [anInstance("i1")]);
    world.settle();
    const blue = ids(world.running("ecs-svc/1"));
    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    world.failing.add(world.service.deployments[0]!.taskDefinitionArn);
    world.traffic = [];
    world.run(10);
    assert.deepEqual(ids(world.running()), blue);
    assert.equal(world.service.deployments[0]?.id, "ecs-svc/1");
    assert.deepEqual(world.service.deployments.map((d) => d.id), ["ecs-svc/1"]);
    assert.ok(world.traffic.every((o) => o.weights[blueTg] === 100), "traffic only ever (re)confirmed on blue");
    assert.equal(world.service.serviceDeployments?.find((x) => x.deploymentId === "ecs-svc/2")?.status, "ROLLBACK_SUCCESSFUL");
  });

  it("a deployment replaced before it shifted traffic goes at once; blue stays until the newest one has baked", () => {
    const world = new World(blueGreenService(0), [anInstance("i1"), anInstance("i2")]);
    world.settle();
    const blue = ids(world.running("ecs-svc/1"));
    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    world.apply(world.reconcile());
    world.service = deploy(world.service, "ecs-svc/3", 3, world.nowMs);
    assert.equal(world.service.deployments[0]?.blueGreen?.from, "ecs-svc/1");
    world.apply(world.reconcile());
    assert.deepEqual(world.alive().filter((t) => t.spec.desiredStatus === "RUNNING" && t.startedBy === "ecs-svc/2"), []);
    assert.deepEqual(ids(world.running("ecs-svc/1")), blue);
    world.settle();
    assert.deepEqual(world.service.deployments.map((d) => [d.id, d.rolloutState]), [["ecs-svc/3", "COMPLETED"]]);
    assert.equal(world.running("ecs-svc/3").length, 2);
  });

  it("with blue's tasks gone, a rollback is a new blue/green deployment of blue's revision, in the group production does not use", () => {
    const world = new World(blueGreenService(10), [anInstance("i1"), anInstance("i2")]);
    world.settle();
    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    world.run(5);
    assert.equal(world.service.deployments[0]?.blueGreen?.stage, "BAKE_TIME");
    // Blue's host went away with its tasks.
    world.tasks = world.tasks.map((t) => (t.startedBy === "ecs-svc/1" ? { ...t, lastStatus: "STOPPED", spec: { ...t.spec, desiredStatus: "STOPPED" }, stopCode: "EssentialContainerExited" } : t));
    world.traffic = [];
    world.service = {
      ...world.service,
      serviceDeployments: world.service.serviceDeployments?.map((h) => (h.deploymentId === "ecs-svc/2" ? { ...h, rollbackRequestedAtMs: world.nowMs } : h)),
    };
    world.run(1);
    const rollback = world.service.deployments[0]!;
    assert.equal(rollback.taskDefinitionArn, world.service.lastCompleted?.taskDefinitionArn);
    assert.deepEqual(rollback.blueGreen, { stage: "SCALE_UP", targetGroups: [blueTg], from: "ecs-svc/2" });
    world.run(5);
    assert.deepEqual(world.traffic.at(-1), { ruleArn: prodRule, weights: { [blueTg]: 100, [greenTg]: 0 } });
    assert.equal(world.running(rollback.id).length, 2);
    assert.equal(world.service.serviceDeployments?.find((x) => x.deploymentId === "ecs-svc/2")?.status, "ROLLBACK_IN_PROGRESS", "it bakes before the failed revision's tasks go");
  });

  it("LINEAR: production traffic moves stepPercent at a time, stepBakeTimeInMinutes apart, then bakes", () => {
    const world = new World(blueGreenService(1, {}, { strategy: "LINEAR", linear: { stepPercent: 40, stepBakeTimeInMinutes: 2 } }), [anInstance("i1"), anInstance("i2")]);
    world.settle();
    const blue = ids(world.running("ecs-svc/1"));
    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    world.traffic = [];
    world.run(3);
    const production = () => world.traffic.filter((o) => o.ruleArn === prodRule).map((o) => o.weights[greenTg]);
    assert.deepEqual(production(), [400], "40 % of production: 400 of 1,000");
    assert.deepEqual(world.traffic.find((o) => o.ruleArn === testRule)?.weights, { [greenTg]: 100, [blueTg]: 0 }, "test traffic moves whole");
    assert.deepEqual([world.service.deployments[0]?.blueGreen?.stage, world.service.serviceDeployments?.[0]?.lifecycleStage], ["PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"]);
    assert.equal(world.service.production?.deploymentId, "ecs-svc/1", "blue is production until all of it moved");
    world.run(118);
    assert.deepEqual(production(), [400], "each step waits stepBakeTimeInMinutes");
    world.run(3);
    assert.deepEqual(production(), [400, 800]);
    world.run(121);
    assert.deepEqual(production(), [400, 800, 100]);
    assert.equal(world.traffic.at(-1)?.weights[blueTg], 0);
    assert.equal(world.service.deployments[0]?.blueGreen?.stage, "BAKE_TIME");
    assert.deepEqual(ids(world.running("ecs-svc/1")), blue, "blue runs until the bake is over");
    world.run(65);
    assert.deepEqual(world.service.deployments.map((d) => [d.id, d.rolloutState]), [["ecs-svc/2", "COMPLETED"]]);
  });

  it("CANARY: canaryPercent first, all the rest after canaryBakeTimeInMinutes", () => {
    const world = new World(blueGreenService(0, {}, { strategy: "CANARY", canary: { canaryPercent: 0.5, canaryBakeTimeInMinutes: 1 } }), [anInstance("i1"), anInstance("i2")]);
    world.settle();
    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    world.traffic = [];
    world.run(3);
    assert.deepEqual(world.traffic.filter((o) => o.ruleArn === prodRule).map((o) => o.weights), [{ [greenTg]: 5, [blueTg]: 995 }]);
    world.run(62);
    assert.deepEqual(world.traffic.filter((o) => o.ruleArn === prodRule).at(-1)?.weights, { [greenTg]: 100, [blueTg]: 0 });
    world.run(3);
    assert.deepEqual(world.service.deployments.map((d) => [d.id, d.rolloutState]), [["ecs-svc/2", "COMPLETED"]]);
  });

  it("a canary replaced while it has a share of production gives the share back before its tasks go", () => {
    const world = new World(blueGreenService(0, {}, { strategy: "CANARY", canary: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 } }), [anInstance("i1"), anInstance("i2")]);
    world.settle();
    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    world.run(3);
    world.traffic = [];
    world.service = deploy(world.service, "ecs-svc/3", 3, world.nowMs);
    assert.equal(world.service.deployments[0]?.blueGreen?.from, "ecs-svc/1", "blue is still production");
    assert.deepEqual(world.service.deployments[0]?.blueGreen?.targetGroups, [greenTg]);
    const plan = world.reconcile();
    assert.deepEqual(plan.traffic, [{ ruleArn: prodRule, weights: { [blueTg]: 100, [greenTg]: 0 } }]);
    assert.equal(plan.stops.length, 2, "the canary's tasks go");
    world.apply(plan);
    assert.deepEqual(world.reconcile().traffic, [], "once");
  });

  it("a blue task that stops while green bakes is replaced by one of blue's revision, so that a rollback has blue's whole count", () => {
    const world = new World(blueGreenService(10), [anInstance("i1"), anInstance("i2")]);
    world.settle();
    world.service = deploy(world.service, "ecs-svc/2", 2, world.nowMs);
    world.run(5);
    const [lost] = world.running("ecs-svc/1");
    world.tasks = world.tasks.map((t) => (t.arn === lost!.arn ? { ...t, lastStatus: "STOPPED", spec: { ...t.spec, desiredStatus: "STOPPED" }, stopCode: "EssentialContainerExited", known: { ...t.known!, startedAtMs: 1 } } : t));
    world.run(3);
    const blue = world.running("ecs-svc/1");
    assert.equal(blue.length, 2);
    assert.ok(blue.every((t) => t.taskDefinitionArn.endsWith(":1")));
    assert.equal(world.running("ecs-svc/2").length, 2);
  });
});
