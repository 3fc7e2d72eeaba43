import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskRecord } from "../domain/task.js";
import type { Store, TaskDefinitionRecord, TaskQuery } from "./store.js";
import { aCluster, aService, aTask, aTaskDefinition } from "./store-builders.js";
import { changeLogContract } from "./store-contract-changes.js";
import { capacityProvidersContract } from "./store-contract-capacity-providers.js";
import { securityGroupsContract } from "./store-contract-security-groups.js";
import { secretsContract } from "./store-contract-secrets.js";
import { eventRulesContract } from "./store-contract-event-rules.js";
import { iamContract } from "./store-contract-iam.js";
import { tasksContract } from "./store-contract-tasks.js";
import { loadBalancingContract } from "./store-contract-load-balancing.js";
import { schedulesContract } from "./store-contract-schedules.js";
import { versionContract } from "./store-contract-versions.js";

/**
 * The contract every Store implementation passes. `open(database)` returns a store over the named
 * database, empty the first time a name is used and with its committed state on every later open.
 */
export function storeContract(name: string, open: (database: string) => Promise<Store>): void {
  let count = 0;
  const withStore = async (fn: (s: Store) => Promise<void>, database = `db${count++}`): Promise<void> => {
    const store = await open(database);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  describe(`Store contract: ${name}`, () => {
    it("stores clusters and lists them by name, page by page", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const n of ["c", "a", "b"]) await tx.clusters.put(aCluster(n));
          // A NUL in any string of a document: SQLite's TEXT and PostgreSQL's json keep it, and filters must not read the document.
          await tx.clusters.put({ ...aCluster("c"), version: 2, settings: [{ name: "containerInsights", value: "x\u0000y" }] });
        });
        const first = await store.read((tx) => tx.clusters.list({ limit: 2 }));
        assert.deepEqual(first.items.map((c) => c.name), ["a", "b"]);
        assert.equal(first.nextAfter, "b");
        const second = await store.read((tx) => tx.clusters.list({ limit: 2, after: first.nextAfter }));
        assert.deepEqual(second.items.map((c) => c.name), ["c"]);
        assert.equal(second.nextAfter, undefined);
        assert.deepEqual(await store.read((tx) => tx.clusters.get("b")), aCluster("b"));
        await store.write((tx) => tx.clusters.put({ ...aCluster("b"), status: "INACTIVE", version: 2 }));
        const active = await store.read((tx) => tx.clusters.list({ limit: 10, status: "ACTIVE" }));
        assert.deepEqual(active.items.map((c) => c.name), ["a", "c"]);
        assert.equal(active.items[1]?.settings[0]?.value, "x\u0000y");
        // Looked up by a name that holds a NUL: not found (PostgreSQL refuses such a parameter; its store asks nothing).
        assert.equal(await store.read((tx) => tx.clusters.get("a\u0000")), undefined);
      }));

    it("rolls back a write that throws and keeps the others of its batch", () =>
      withStore(async (store) => {
        const failing = store.write(async (tx) => {
          await tx.clusters.put(aCluster("doomed"));
          throw new Error("boom");
        });
        const kept = store.write((tx) => tx.clusters.put(aCluster("kept")));
        await assert.rejects(failing, /boom/);
        await kept;
        assert.equal(await store.read((tx) => tx.clusters.get("doomed")), undefined);
        assert.ok(await store.read((tx) => tx.clusters.get("kept")));
      }));

    it("never hands out a revision twice, even to concurrent writers", () =>
      withStore(async (store) => {
        const revisions = await Promise.all(
          Array.from({ length: 50 }, () => store.write((tx) => tx.taskDefinitions.allocateRevision("web"))),
        );
        assert.deepEqual([...revisions].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
      }));

    it("finds the latest ACTIVE revision and lists revisions in either order", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const [family, revision, status] of [
            ["api", 1, "ACTIVE"],
            ["api", 2, "ACTIVE"],
            ["api", 3, "INACTIVE"],
            ["batch", 1, "INACTIVE"],
          ] as const) {
            await tx.taskDefinitions.put(aTaskDefinition(family, revision, status));
          }
        });
        const latest = await store.read((tx) => tx.taskDefinitions.latestActive("api"));
        assert.equal(latest?.revision, 2);
        const asc = await store.read((tx) => tx.taskDefinitions.list({ limit: 10, descending: false }));
        assert.deepEqual(asc.items.map(key), ["api:1", "api:2", "api:3", "batch:1"]);
        const desc1 = await store.read((tx) => tx.taskDefinitions.list({ limit: 3, descending: true }));
        assert.deepEqual(desc1.items.map(key), ["batch:1", "api:3", "api:2"]);
        const desc2 = await store.read((tx) =>
          tx.taskDefinitions.list({ limit: 3, descending: true, after: desc1.nextAfter }),
        );
        assert.deepEqual(desc2.items.map(key), ["api:1"]);
        const active = await store.read((tx) =>
          tx.taskDefinitions.list({ limit: 10, descending: false, status: "ACTIVE", familyPrefix: "a" }),
        );
        assert.deepEqual(active.items.map(key), ["api:1", "api:2"]);
      }));

    it("lists families by whether they have an ACTIVE revision", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.taskDefinitions.allocateRevision("api");
          await tx.taskDefinitions.put(aTaskDefinition("api", 1, "ACTIVE"));
          await tx.taskDefinitions.allocateRevision("batch");
          await tx.taskDefinitions.put(aTaskDefinition("batch", 1, "INACTIVE"));
        });
        const families = (status?: "ACTIVE" | "INACTIVE") =>
          store.read((tx) => tx.taskDefinitions.families({ limit: 10, status })).then((p) => p.items);
        assert.deepEqual(await families(), ["api", "batch"]);
        assert.deepEqual(await families("ACTIVE"), ["api"]);
        assert.deepEqual(await families("INACTIVE"), ["batch"]);
      }));

    it("lists the revisions of one whole family, not of families it is a prefix of", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const [family, revision] of [["web", 1], ["web", 2], ["web-admin", 1], ["we", 1]] as const) await tx.taskDefinitions.put(aTaskDefinition(family, revision, "ACTIVE"));
        });
        const page = await store.read((tx) => tx.taskDefinitions.list({ limit: 10, descending: false, family: "web" }));
        assert.deepEqual(page.items.map(key), ["web:1", "web:2"]);
      }));

    it("treats a family prefix literally", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.taskDefinitions.put(aTaskDefinition("a_b", 1, "ACTIVE"));
          await tx.taskDefinitions.put(aTaskDefinition("axb", 1, "ACTIVE"));
        });
        const page = await store.read((tx) => tx.taskDefinitions.list({ limit: 10, descending: false, familyPrefix: "a_" }));
        assert.deepEqual(page.items.map(key), ["a_b:1"]);
      }));

    it("takes a family prefix of any length (SQLite refuses LIKE patterns over 50,000 bytes)", () =>
      withStore(async (store) => {
        await store.write((tx) => tx.taskDefinitions.put(aTaskDefinition("api", 1, "ACTIVE")));
        const long = "a".repeat(300_000);
        assert.deepEqual((await store.read((tx) => tx.taskDefinitions.list({ limit: 10, descending: false, familyPrefix: long }))).items, []);
        assert.deepEqual((await store.read((tx) => tx.taskDefinitions.families({ limit: 10, familyPrefix: long }))).items, []);
        assert.deepEqual((await store.read((tx) => tx.taskDefinitions.list({ limit: 10, descending: false, familyPrefix: "ap" }))).items.map(key), ["api:1"]);
      }));

    it("adds, overwrites and removes tags", () =>
      withStore(async (store) => {
        const arn = "arn:aws:ecs:us-east-1:000000000000:cluster/x";
        await store.write((tx) => tx.tags.put(arn, [{ key: "team", value: "a" }, { key: "env", value: "dev" }]));
        await store.write((tx) => tx.tags.put(arn, [{ key: "team", value: "b" }]));
        await store.write((tx) => tx.tags.remove(arn, ["env", "absent"]));
        assert.deepEqual(await store.read((tx) => tx.tags.list(arn)), [{ key: "team", value: "b" }]);
      }));

    it("lists tasks by cluster, instance, family, starter and desired status, and knows which hold resources", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.tasks.put(aTask("t1", { containerInstanceArn: "i1" }));
          await tx.tasks.put(aTask("t2", { containerInstanceArn: "i1", startedBy: "ci" }));
          await tx.tasks.put(aTask("t3", { containerInstanceArn: "i2", lastStatus: "STOPPED", desired: "STOPPED", stoppedAtMs: 1000 }));
          await tx.tasks.put(aTask("t4", { cluster: "other", containerInstanceArn: "i9" }));
        });
        const ids = (q: Partial<TaskQuery>) =>
          store.read((tx) => tx.tasks.list({ cluster: "c", limit: 10, ...q })).then((p) => p.items.map((t) => t.id));
        assert.deepEqual(await ids({}), ["t1", "t2", "t3"]);
        assert.deepEqual(await ids({ desiredStatus: "RUNNING" }), ["t1", "t2"]);
        assert.deepEqual(await ids({ desiredStatus: "STOPPED" }), ["t3"]);
        assert.deepEqual(await ids({ containerInstanceArn: "i1", startedBy: "ci" }), ["t2"]);
        assert.deepEqual(await ids({ family: "nope" }), []);
        assert.deepEqual((await store.read((tx) => tx.tasks.holdingResources("i1"))).map((t) => t.id).sort(), ["t1", "t2"]);
        assert.deepEqual(await store.read((tx) => tx.tasks.holdingResources("i2")), []);
        const holding = await store.read((tx) => tx.tasks.holdingResources("i1"));
        assert.deepEqual(await store.read((tx) => tx.tasks.reservedOn("i1")), holding.map((t) => t.reservation));
        assert.deepEqual(await store.read((tx) => tx.tasks.reservedOn("i2")), []);
      }));

    it("forgets stopped tasks past their retention, and only those", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.tasks.put(aTask("old", { lastStatus: "STOPPED", desired: "STOPPED", stoppedAtMs: 1000 }));
          await tx.tasks.put(aTask("recent", { lastStatus: "STOPPED", desired: "STOPPED", stoppedAtMs: 5000 }));
          await tx.tasks.put(aTask("running", {}));
        });
        assert.equal(await store.write((tx) => tx.tasks.purgeStoppedBefore(2000)), 1);
        const left = await store.read((tx) => tx.tasks.list({ cluster: "c", limit: 10 }));
        assert.deepEqual(left.items.map((t) => t.id), ["recent", "running"]);
      }));

    it("stores services per cluster and lists them by name and status", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.services.put(aService("c", "web"));
          await tx.services.put({ ...aService("c", "api"), status: "DRAINING" });
          await tx.services.put(aService("c", "daemon", { schedulingStrategy: "DAEMON" }));
          await tx.services.put(aService("other", "web"));
        });
        assert.deepEqual(await store.read((tx) => tx.services.get("c", "web")), aService("c", "web"));
        const all = await store.read((tx) => tx.services.list("c", { limit: 2 }));
        assert.deepEqual(all.items.map((s) => s.name), ["api", "daemon"]);
        const rest = await store.read((tx) => tx.services.list("c", { limit: 2, after: all.nextAfter }));
        assert.deepEqual(rest.items.map((s) => s.name), ["web"]);
        const active = await store.read((tx) => tx.services.list("c", { limit: 10, status: "ACTIVE" }));
        assert.deepEqual(active.items.map((s) => s.name), ["daemon", "web"]);
        const daemons = await store.read((tx) => tx.services.list("c", { limit: 10, schedulingStrategy: "DAEMON" }));
        assert.deepEqual(daemons.items.map((s) => s.name), ["daemon"]);
      }));

    it("keeps a service's newest events, newest first", () =>
      withStore(async (store) => {
        const arn = aService("c", "web").arn;
        for (let batch = 0; batch < 3; batch++) {
          await store.write((tx) =>
            tx.services.addEvents(arn, [0, 1, 2].map((i) => ({ id: `e${batch * 3 + i}`, createdAtMs: batch * 3 + i, message: `m${batch * 3 + i}` })), 5),
          );
        }
        await store.write((tx) => tx.services.addEvents("arn:other", [{ id: "x", createdAtMs: 0, message: "x" }], 5));
        const events = await store.read((tx) => tx.services.events(arn, 100));
        assert.deepEqual(events.map((e) => e.id), ["e8", "e7", "e6", "e5", "e4"]);
        assert.deepEqual((await store.read((tx) => tx.services.events(arn, 2))).map((e) => e.id), ["e8", "e7"]);
      }));

    it("shows a service its tasks until it has observed their stop", () =>
      withStore(async (store) => {
        const svc = (id: string, o: Parameters<typeof aTask>[1] & { observed?: boolean; service?: string }): TaskRecord => ({
          ...aTask(id, o),
          serviceName: o.service ?? "web",
          serviceObserved: o.observed,
        });
        await store.write(async (tx) => {
          await tx.tasks.put(svc("a-running", {}));
          await tx.tasks.put(svc("b-stopped-unseen", { lastStatus: "STOPPED", desired: "STOPPED", stoppedAtMs: 5 }));
          await tx.tasks.put(svc("c-stopped-seen", { lastStatus: "STOPPED", desired: "STOPPED", stoppedAtMs: 5, observed: true }));
          await tx.tasks.put(svc("d-other-service", { service: "api" }));
          await tx.tasks.put(aTask("e-standalone", {}));
        });
        const ids = async () => (await store.read((tx) => tx.tasks.ofService("c", "web"))).map((t) => t.id);
        assert.deepEqual(await ids(), ["a-running", "b-stopped-unseen"]);
        await store.write(async (tx) => {
          const t = await tx.tasks.get(aTask("b-stopped-unseen", {}).arn);
          await tx.tasks.put({ ...t!, serviceObserved: true, version: t!.version + 1 });
        });
        assert.deepEqual(await ids(), ["a-running"]);
        const listed = await store.read((tx) => tx.tasks.list({ cluster: "c", limit: 10, serviceName: "web", desiredStatus: "STOPPED" }));
        assert.deepEqual(listed.items.map((t) => t.id), ["b-stopped-unseen", "c-stopped-seen"], "observed stops are still listed");
      }));

    it("remembers a RunTask client token per cluster until it is purged", () =>
      withStore(async (store) => {
        const run = { cluster: "c", token: "t", requestHash: "h", taskArns: ["a1"], failures: [], createdAtMs: 1000 };
        await store.write((tx) => tx.tasks.rememberRun(run));
        assert.deepEqual(await store.read((tx) => tx.tasks.findRun("c", "t")), run);
        assert.equal(await store.read((tx) => tx.tasks.findRun("other", "t")), undefined);
        await store.write((tx) => tx.tasks.purgeStoppedBefore(2000));
        assert.equal(await store.read((tx) => tx.tasks.findRun("c", "t")), undefined);
      }));

    it("finds an agent credential by its key and revokes all of one instance's at once", () =>
      withStore(async (store) => {
        const cred = (id: string, instance: string) => ({ accessKeyId: id, secretAccessKey: `s-${id}`, containerInstanceArn: instance, cluster: "c", createdAtMs: 1 });
        await store.write(async (tx) => {
          for (const c of [cred("K1", "ci/a"), cred("K2", "ci/a"), cred("K3", "ci/b")]) await tx.agentCredentials.put(c);
        });
        assert.deepEqual(await store.read((tx) => tx.agentCredentials.get("K1")), cred("K1", "ci/a"));
        assert.equal(await store.write((tx) => tx.agentCredentials.revokeInstance("ci/a")), 2);
        assert.equal(await store.read((tx) => tx.agentCredentials.get("K1")), undefined);
        assert.equal(await store.read((tx) => tx.agentCredentials.get("K2")), undefined);
        assert.deepEqual(await store.read((tx) => tx.agentCredentials.get("K3")), cred("K3", "ci/b"));
        assert.equal(await store.write((tx) => tx.agentCredentials.revokeInstance("ci/a")), 0);
      }));

    it("keeps account settings per principal: a put replaces, a delete returns what it forgot", () =>
      withStore(async (store) => {
        const root = "arn:aws:iam::1:root";
        const user = "arn:aws:iam::1:user/u";
        await store.write(async (tx) => {
          await tx.accountSettings.put({ principalArn: root, name: "containerInsights", value: "disabled" });
          await tx.accountSettings.put({ principalArn: root, name: "awsvpcTrunking", value: "enabled" });
          await tx.accountSettings.put({ principalArn: user, name: "containerInsights", value: "enabled" });
          await tx.accountSettings.put({ principalArn: root, name: "containerInsights", value: "enhanced" });
        });
        assert.deepEqual(await store.read((tx) => tx.accountSettings.ofPrincipal(root)), [
          { principalArn: root, name: "awsvpcTrunking", value: "enabled" },
          { principalArn: root, name: "containerInsights", value: "enhanced" },
        ]);
        assert.deepEqual(await store.write((tx) => tx.accountSettings.delete(user, "containerInsights")), { principalArn: user, name: "containerInsights", value: "enabled" });
        assert.equal(await store.write((tx) => tx.accountSettings.delete(user, "containerInsights")), undefined);
        assert.deepEqual(await store.read((tx) => tx.accountSettings.ofPrincipal(user)), []);
      }));

    tasksContract(withStore);
    versionContract(withStore);
    changeLogContract(withStore, () => `db${count++}`);
    iamContract(withStore);
    eventRulesContract(withStore);
    secretsContract(withStore);
    capacityProvidersContract(withStore);
    securityGroupsContract(withStore);
    loadBalancingContract(withStore);
    schedulesContract(withStore);

    it("keeps what it acknowledged across a reopen", async () => {
      await withStore((store) => store.write((tx) => tx.clusters.put(aCluster("durable"))), "reopened");
      await withStore(async (store) => {
        assert.equal((await store.read((tx) => tx.clusters.get("durable")))?.name, "durable");
      }, "reopened");
    });
  });
}

const key = (t: TaskDefinitionRecord): string => `${t.family}:${t.revision}`;
