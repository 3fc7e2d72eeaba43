import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { historyLimit } from "../../domain/service-deployment.js";
import type { ServiceRecord } from "../../domain/service.js";
import { historyReasons } from "./history-rules.js";
import { aService, anInstance, deploy, World } from "./testing.js";
import { isEmptyPlan } from "./types.js";

const settled = (o: Parameters<typeof aService>[0] = {}, healthyAfterMs = 0) => {
  const w = new World(aService({ desiredCount: 2, ...o }), [anInstance("i1"), anInstance("i2")], healthyAfterMs);
  w.settle(50, healthyAfterMs + 1000);
  assert.equal(w.service.deployments[0]?.rolloutState, "COMPLETED");
  return w;
};
const entry = (s: ServiceRecord, deploymentId: string) => s.serviceDeployments?.find((h) => h.deploymentId === deploymentId);

describe("service deployments and revisions follow the service's deployments", () => {
  it("each deployment is one service deployment with its revision; a rolling update names the one it replaces", () => {
    const w = settled();
    assert.equal(entry(w.service, "ecs-svc/1")?.status, "SUCCESSFUL");
    assert.deepEqual(entry(w.service, "ecs-svc/1")?.sources, []);
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    w.apply(w.reconcile());
    const started = entry(w.service, "ecs-svc/2");
    assert.equal(started?.status, "IN_PROGRESS");
    assert.deepEqual(started?.sources, [{ revisionId: "1", deploymentId: "ecs-svc/1" }]);
    assert.equal(started?.targetRevisionId, "2");
    assert.equal(w.service.serviceRevisions?.find((r) => r.id === "2")?.taskDefinitionArn.endsWith("web:2"), true);
    w.settle();
    const done = entry(w.service, "ecs-svc/2");
    assert.equal(done?.status, "SUCCESSFUL");
    assert.equal(done?.statusReason, historyReasons.successful);
    assert.ok(done?.finishedAtMs !== undefined);
    assert.equal(w.service.deployments.length, 1, "the old deployment drained away; its service deployment stays");
    assert.equal(entry(w.service, "ecs-svc/1")?.status, "SUCCESSFUL");
    assert.ok(w.service.serviceRevisions?.some((r) => r.id === "1"), "the source revision is kept while a service deployment names it");
    assert.ok(isEmptyPlan(w.reconcile()), "reconciling again changes nothing");
  });

  it("a deployment replaced before it completes is STOPPED; the newer one lists both as sources", () => {
    const w = settled({}, 60_000);
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    w.run(2);
    w.service = deploy(w.service, "ecs-svc/3", 3, w.nowMs);
    w.run(1);
    const replaced = entry(w.service, "ecs-svc/2");
    assert.equal(replaced?.status, "STOPPED");
    assert.equal(replaced?.statusReason, historyReasons.replaced);
    assert.ok(replaced?.stoppedAtMs !== undefined);
    assert.deepEqual(entry(w.service, "ecs-svc/3")?.sources.map((s) => s.deploymentId), ["ecs-svc/2", "ecs-svc/1"]);
  });

  it("a circuit-breaker rollback belongs to the failed service deployment and targets the source revision", () => {
    const w = settled({ desiredCount: 4, breaker: true, rollback: true });
    w.failing.add("arn:aws:ecs:us-east-1:000000000000:task-definition/web:2");
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      w.apply(w.reconcile());
      w.advance(10_000);
      seen.add(entry(w.service, "ecs-svc/2")?.status ?? "");
    }
    const h = entry(w.service, "ecs-svc/2");
    assert.ok(seen.has("ROLLBACK_IN_PROGRESS"), [...seen].join());
    assert.equal(h?.status, "ROLLBACK_SUCCESSFUL");
    assert.equal(h?.rollback?.revisionId, "1");
    assert.equal(h?.circuitBreakerTriggered, true);
    assert.equal(w.service.serviceDeployments?.length, 2, "the rollback is no service deployment of its own");
    assert.ok(w.running().every((t) => t.taskDefinitionArn.endsWith("web:1")));
  });

  it("StopServiceDeployment's request rolls back through the circuit breaker's path, even with the breaker off", () => {
    const w = settled({}, 60_000);
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    w.run(2);
    assert.equal(entry(w.service, "ecs-svc/2")?.status, "IN_PROGRESS");
    w.service = {
      ...w.service,
      serviceDeployments: w.service.serviceDeployments?.map((h) => (h.deploymentId === "ecs-svc/2" ? { ...h, rollbackRequestedAtMs: w.nowMs, status: "ROLLBACK_REQUESTED" as const } : h)),
    };
    const plan = w.reconcile();
    assert.ok(plan.events.includes("(service web) (deployment ecs-svc/2) deployment stopped: rollback requested by StopServiceDeployment."), plan.events.join("\n"));
    assert.equal(plan.service?.deployments[0]?.taskDefinitionArn.endsWith("web:1"), true);
    w.apply(plan);
    assert.equal(entry(w.service, "ecs-svc/2")?.status, "ROLLBACK_IN_PROGRESS");
    assert.equal(entry(w.service, "ecs-svc/2")?.rollback?.reason, historyReasons.stopRequested);
    w.run(20, 10_000);
    assert.equal(entry(w.service, "ecs-svc/2")?.status, "ROLLBACK_SUCCESSFUL");
    assert.equal(entry(w.service, "ecs-svc/2")?.circuitBreakerTriggered, false);
    assert.ok(w.running().length === 2 && w.running().every((t) => t.taskDefinitionArn.endsWith("web:1")));
  });

  it(`keeps the newest ${historyLimit} service deployments and only the revisions they name`, () => {
    const w = settled({ desiredCount: 1 });
    for (let n = 2; n <= historyLimit + 6; n++) {
      w.service = deploy(w.service, `ecs-svc/${n}`, n, w.nowMs);
      w.settle();
    }
    const kept = w.service.serviceDeployments ?? [];
    assert.equal(kept.length, historyLimit);
    assert.equal(kept[0]?.deploymentId, `ecs-svc/${historyLimit + 6}`, "newest first");
    assert.ok(kept.every((h) => h.status === "SUCCESSFUL"));
    const named = new Set(kept.flatMap((h) => [h.targetRevisionId, ...h.sources.map((s) => s.revisionId)]));
    assert.deepEqual(new Set(w.service.serviceRevisions?.map((r) => r.id)), named);
  });
});
