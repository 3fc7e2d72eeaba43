import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aService, anInstance, deploy, World } from "./testing.js";
import { isEmptyPlan } from "./types.js";

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const revision = (w: World, id: string) => w.service.serviceRevisions?.find((r) => r.id === id);
const reported = (w: World, deployment?: string) => w.running(deployment).map((t) => t.known?.containers[0]?.imageDigest);

describe("version consistency: a service revision runs the manifests its first tasks pulled", () => {
  it("pins the tag's manifest; a scale-out after the tag moved runs it, a new deployment takes the new one", () => {
    const w = new World(aService({ desiredCount: 2 }), [anInstance("i1"), anInstance("i2")]);
    w.registry.set("busybox", digest(1));
    w.settle();
    assert.deepEqual(revision(w, "1")?.containerImages, [{ containerName: "app", image: "busybox", imageDigest: digest(1) }]);

    w.registry.set("busybox", digest(2)); // pushed again
    const before = new Set(w.running().map((t) => t.arn));
    w.service = { ...w.service, desiredCount: 4, deployments: w.service.deployments.map((d) => ({ ...d, desiredCount: 4 })) };
    w.settle();
    const added = w.running().filter((t) => !before.has(t.arn));
    assert.equal(added.length, 2);
    assert.deepEqual(added.map((t) => t.spec.imageDigests), [{ app: digest(1) }, { app: digest(1) }], "the new tasks were started pinned");
    assert.deepEqual(reported(w), Array(4).fill(digest(1)), "every task runs the revision's manifest");
    assert.ok(isEmptyPlan(w.reconcile()), "reconciling again changes nothing");

    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    w.settle();
    assert.deepEqual(revision(w, "2")?.containerImages, [{ containerName: "app", image: "busybox", imageDigest: digest(2) }]);
    assert.deepEqual(reported(w, "ecs-svc/2"), Array(4).fill(digest(2)));
  });

  it("a circuit-breaker rollback runs the manifests of the revision it returns to, not what the tag names now", () => {
    const w = new World(aService({ desiredCount: 4, breaker: true, rollback: true }), [anInstance("i1"), anInstance("i2")]);
    w.registry.set("busybox", digest(1));
    w.settle();
    w.registry.set("busybox", digest(3));
    w.failing.add("arn:aws:ecs:us-east-1:000000000000:task-definition/web:2");
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    for (let i = 0; i < 30; i++) {
      w.apply(w.reconcile());
      w.advance(10_000);
    }
    const rollback = w.service.serviceDeployments?.find((h) => h.deploymentId === "ecs-svc/2")?.rollback;
    assert.equal(rollback?.revisionId, "1");
    assert.equal(w.running(rollback?.deploymentId).length, 4);
    assert.deepEqual(reported(w), Array(4).fill(digest(1)));
  });

  it("pins nothing for a container with versionConsistency disabled, an image named by digest, or an image built on the host", () => {
    const byDigest = `busybox@${digest(5)}`;
    const w = new World(aService({ desiredCount: 2 }), [anInstance("i1")]);
    w.containers = [
      { name: "app", image: "busybox", essential: true, versionConsistency: "disabled" },
      { name: "sidecar", image: byDigest, essential: true },
      { name: "local", image: "built-here", essential: true },
      { name: "pinned", image: "nginx", essential: true },
    ];
    w.registry.set("busybox", digest(1)).set(byDigest, digest(5)).set("nginx", digest(7));
    w.settle();
    assert.deepEqual(revision(w, "1")?.containerImages, [{ containerName: "pinned", image: "nginx", imageDigest: digest(7) }]);
    assert.ok(w.running().every((t) => t.known?.containers.find((c) => c.name === "local")?.imageDigest === undefined));
  });

  it("an image in Berth's own registry is pinned from the registry before its first task runs; its tasks' reports are not taken", () => {
    const w = new World(aService({ desiredCount: 2 }), [anInstance("i1"), anInstance("i2")]);
    w.ownRegistry.set("busybox", digest(4));
    w.registry.set("busybox", digest(6)); // what a lying (or late) agent would report
    const first = w.reconcile();
    assert.deepEqual(first.service?.serviceRevisions?.find((r) => r.id === "1")?.containerImages, [{ containerName: "app", image: "busybox", imageDigest: digest(4) }]);
    w.apply(first);
    assert.deepEqual(w.alive().map((t) => t.spec.imageDigests), [{ app: digest(4) }, { app: digest(4) }], "the deployment's first tasks start pinned");
    w.settle();
    assert.deepEqual(revision(w, "1")?.containerImages, [{ containerName: "app", image: "busybox", imageDigest: digest(4) }]);

    const untaken = new World(aService({ desiredCount: 2 }), [anInstance("i1")]);
    untaken.ownRegistry.set("busybox", undefined); // in Berth's registry, its tag naming no manifest (yet)
    untaken.registry.set("busybox", digest(6));
    untaken.settle();
    assert.deepEqual(reported(untaken), [digest(6), digest(6)], "the tasks report a digest");
    assert.equal(revision(untaken, "1")?.containerImages, undefined, "no agent's word is taken for an image of Berth's registry");
  });

  it("a pin never moves: a task reporting another manifest later does not change it", () => {
    const w = new World(aService({ desiredCount: 1 }), [anInstance("i1")]);
    w.registry.set("busybox", digest(1));
    w.settle();
    const [first] = w.running();
    w.tasks = w.tasks.map((t) => (t === first ? { ...t, known: { ...t.known!, containers: [{ name: "app", status: "RUNNING", imageDigest: digest(9) }] } } : t));
    w.apply(w.reconcile());
    assert.equal(revision(w, "1")?.containerImages?.[0]?.imageDigest, digest(1));
  });
});
