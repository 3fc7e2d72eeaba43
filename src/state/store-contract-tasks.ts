import { it } from "node:test";
import assert from "node:assert/strict";
import { serviceCountKey } from "../domain/service-counts.js";
import type { TaskRecord } from "../domain/task.js";
import type { ServiceQuery, Store } from "./store.js";
import { aContainerInstance, aService, aTask } from "./store-builders.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

const ids = (tasks: readonly TaskRecord[]): string[] => tasks.map((t) => t.id);

/**
 * The control plane's hot records beyond store-contract.ts's first cases: instances by status,
 * tasks as their columns follow their saves, counts, service events and filters, RunTask tokens.
 */
export function tasksContract(withStore: WithStore): void {
  it("lists a cluster's instances by status (REGISTERED: ACTIVE or DRAINING), page by page, and counts the registered ones", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        await tx.containerInstances.put(aContainerInstance("c", "i3", { status: "INACTIVE" }));
        await tx.containerInstances.put(aContainerInstance("c", "i1"));
        await tx.containerInstances.put(aContainerInstance("c", "i2", { status: "DRAINING" }));
        await tx.containerInstances.put(aContainerInstance("other", "i4"));
      });
      const list = async (status?: "ACTIVE" | "DRAINING" | "INACTIVE" | "REGISTERED", after?: string, limit = 10) => {
        const page = await store.read((tx) => tx.containerInstances.list("c", { limit, after, status }));
        return { ids: page.items.map((i) => i.id), nextAfter: page.nextAfter };
      };
      assert.deepEqual(await list(), { ids: ["i1", "i2", "i3"], nextAfter: undefined });
      assert.deepEqual(await list("REGISTERED"), { ids: ["i1", "i2"], nextAfter: undefined });
      assert.deepEqual(await list("INACTIVE"), { ids: ["i3"], nextAfter: undefined });
      const first = await list(undefined, undefined, 2);
      assert.deepEqual(first, { ids: ["i1", "i2"], nextAfter: aContainerInstance("c", "i2").arn });
      assert.deepEqual(await list(undefined, first.nextAfter, 2), { ids: ["i3"], nextAfter: undefined });
      assert.equal(await store.read((tx) => tx.containerInstances.countRegistered("c")), 2);
      assert.equal(await store.read((tx) => tx.containerInstances.countRegistered("nowhere")), 0);
      // A status change moves the instance between the lists.
      await store.write((tx) => tx.containerInstances.put({ ...aContainerInstance("c", "i1"), status: "INACTIVE", version: 2 }));
      assert.deepEqual((await list("REGISTERED")).ids, ["i2"]);
      assert.equal(await store.read((tx) => tx.containerInstances.countRegistered("c")), 1);
    }));

  it("pages tasks by ARN under a filter, and moves a task between filters as its saves change it", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        for (const id of ["t5", "t1", "t4", "t2", "t3"]) await tx.tasks.put(aTask(id, { startedBy: Number(id.slice(1)) % 2 === 1 ? "odd" : "even" }));
        await tx.tasks.put({ ...aTask("t0", { startedBy: "service" }), serviceName: "web" });
      });
      const page1 = await store.read((tx) => tx.tasks.list({ cluster: "c", limit: 2, startedBy: "odd" }));
      assert.deepEqual(ids(page1.items), ["t1", "t3"]);
      assert.equal(page1.nextAfter, aTask("t3", {}).arn);
      const page2 = await store.read((tx) => tx.tasks.list({ cluster: "c", limit: 2, startedBy: "odd", after: page1.nextAfter }));
      assert.deepEqual(ids(page2.items), ["t5"]);
      assert.equal(page2.nextAfter, undefined);

      // A stop requested, then reported: desired status, holding and the stop time follow each save.
      const t0 = { ...aTask("t0", { startedBy: "service", lastStatus: "PENDING" }), serviceName: "web" };
      await store.write((tx) => tx.tasks.put({ ...t0, version: 2 }));
      await store.write((tx) => tx.tasks.put({ ...t0, lastStatus: "RUNNING", spec: { ...t0.spec, desiredStatus: "STOPPED" }, version: 3 }));
      const stopping = (q: { desiredStatus?: "RUNNING" | "STOPPED"; serviceName?: string }) => store.read((tx) => tx.tasks.list({ cluster: "c", limit: 10, ...q })).then((p) => ids(p.items));
      assert.deepEqual(await stopping({ desiredStatus: "STOPPED" }), ["t0"]);
      assert.deepEqual(await stopping({ desiredStatus: "RUNNING" }), ["t1", "t2", "t3", "t4", "t5"]);
      assert.deepEqual(await stopping({ serviceName: "web" }), ["t0"]);
      assert.equal((await store.read((tx) => tx.tasks.get(t0.arn)))?.lastStatus, "RUNNING");
      assert.deepEqual(ids(await store.read((tx) => tx.tasks.holdingResources("i1"))).sort(), ["t0", "t1", "t2", "t3", "t4", "t5"]);
      await store.write((tx) => tx.tasks.put({ ...t0, spec: { ...t0.spec, desiredStatus: "STOPPED" }, lastStatus: "STOPPED", stoppedAtMs: 3000, version: 4 }));
      assert.deepEqual(ids(await store.read((tx) => tx.tasks.holdingResources("i1"))).sort(), ["t1", "t2", "t3", "t4", "t5"]);
      assert.deepEqual(ids(await store.read((tx) => tx.tasks.ofService("c", "web"))), ["t0"], "its service has not observed the stop");
      assert.equal(await store.write((tx) => tx.tasks.purgeStoppedBefore(3000)), 0, "stopped at 3000, not before");
      assert.equal(await store.write((tx) => tx.tasks.purgeStoppedBefore(3001)), 1);
      assert.equal(await store.read((tx) => tx.tasks.get(t0.arn)), undefined);
      assert.deepEqual(await store.read((tx) => tx.tasks.ofService("c", "web")), []);
    }));

  it("gives an instance's reservations in the order of the tasks holding them, whatever their status", () =>
    withStore(async (store) => {
      const statuses: TaskRecord["lastStatus"][] = ["RUNNING", "PENDING", "RUNNING", "PROVISIONING", "STOPPED", "PENDING"];
      await store.write(async (tx) => {
        for (const [i, lastStatus] of statuses.entries()) {
          await tx.tasks.put({ ...aTask(`t${9 - i}`, { lastStatus }), reservation: { cpu: i, memory: 10 * i, tcpPorts: [8000 + i], udpPorts: [] } });
        }
      });
      const [holding, reserved] = await store.read((tx) => Promise.all([tx.tasks.holdingResources("i1"), tx.tasks.reservedOn("i1")]));
      assert.deepEqual(ids(holding).sort(), ["t4", "t6", "t7", "t8", "t9"]);
      assert.deepEqual(reserved, holding.map((t) => t.reservation));
    }));

  it("counts a cluster's open tasks by status, FARGATE apart, and lists their count keys", () =>
    withStore(async (store) => {
      const fargate = (id: string, lastStatus: TaskRecord["lastStatus"]): TaskRecord => ({ ...aTask(id, { lastStatus }), launchType: "FARGATE" });
      await store.write(async (tx) => {
        await tx.tasks.put(aTask("a", { lastStatus: "RUNNING" }));
        await tx.tasks.put(aTask("b", { lastStatus: "RUNNING" }));
        await tx.tasks.put(aTask("c", { lastStatus: "PENDING" }));
        await tx.tasks.put(fargate("d", "RUNNING"));
        await tx.tasks.put(aTask("e", { lastStatus: "STOPPED", desired: "STOPPED", stoppedAtMs: 1 }));
        await tx.tasks.put(aTask("f", { cluster: "other" }));
      });
      const counts = await store.read((tx) => tx.tasks.countByStatus("c"));
      assert.deepEqual(new Map([...counts].sort()), new Map([["FARGATE RUNNING", 1], ["PENDING", 1], ["RUNNING", 2]]));
      const open = await store.read((tx) => tx.tasks.openStatuses("c"));
      assert.deepEqual(
        [...open].sort((x, y) => (x.arn < y.arn ? -1 : 1)),
        [["a", "RUNNING"], ["b", "RUNNING"], ["c", "PENDING"], ["d", "FARGATE RUNNING"]].map(([id, countKey]) => ({ arn: aTask(id!, {}).arn, countKey })),
      );
      assert.equal((await store.read((tx) => tx.tasks.countByStatus("nowhere"))).size, 0);
      assert.deepEqual(await store.read((tx) => tx.tasks.openStatuses("nowhere")), []);
    }));

  it("keeps a RunTask token's first outcome, and forgets only the tokens older than the purge", () =>
    withStore(async (store) => {
      const run = (token: string, createdAtMs: number, taskArns: string[]) => ({ cluster: "c", token, requestHash: "h", taskArns, failures: [], createdAtMs });
      await store.write((tx) => tx.tasks.rememberRun(run("t", 1000, ["first"])));
      await store.write((tx) => tx.tasks.rememberRun(run("t", 1000, ["second"])));
      await store.write((tx) => tx.tasks.rememberRun({ ...run("late", 5000, []), failures: [{ arn: "x", reason: "RESOURCE:MEMORY" }] }));
      assert.deepEqual((await store.read((tx) => tx.tasks.findRun("c", "t")))?.taskArns, ["first"]);
      await store.write((tx) => tx.tasks.purgeStoppedBefore(2000));
      assert.equal(await store.read((tx) => tx.tasks.findRun("c", "t")), undefined);
      assert.deepEqual(await store.read((tx) => tx.tasks.findRun("c", "late")), { ...run("late", 5000, []), failures: [{ arn: "x", reason: "RESOURCE:MEMORY" }] });
    }));

  it("keeps the newest events when one batch brings more than it keeps, and none when it keeps none", () =>
    withStore(async (store) => {
      const arn = aService("c", "web").arn;
      const events = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `e${from + i}`, createdAtMs: from + i, message: `m${from + i}` }));
      const newest = async (limit = 100) => (await store.read((tx) => tx.services.events(arn, limit))).map((e) => e.id);
      await store.write((tx) => tx.services.addEvents("arn:other", events(100, 2), 5));
      await store.write((tx) => tx.services.addEvents(arn, events(0, 7), 5));
      assert.deepEqual(await newest(), ["e6", "e5", "e4", "e3", "e2"]);
      await store.write((tx) => tx.services.addEvents(arn, events(7, 2), 5));
      assert.deepEqual(await newest(), ["e8", "e7", "e6", "e5", "e4"]);
      await store.write((tx) => tx.services.addEvents(arn, [], 0));
      assert.deepEqual(await newest(), ["e8", "e7", "e6", "e5", "e4"], "no events: nothing pruned");
      await store.write((tx) => tx.services.addEvents(arn, events(9, 1), 0));
      assert.deepEqual(await newest(), []);
      assert.deepEqual(await store.read((tx) => tx.services.events("arn:other", 10)), events(100, 2).reverse());
    }));

  it("filters services by launch type and scheduling strategy, page by page, and lists the open ones' statuses", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        for (let i = 0; i < 12; i++) {
          const name = `s${String(i).padStart(2, "0")}`;
          await tx.services.put(aService("c", name, { launchType: i % 2 === 0 ? "FARGATE" : "EC2", schedulingStrategy: i % 3 === 0 ? "DAEMON" : "REPLICA", status: i === 4 ? "DRAINING" : i === 8 ? "INACTIVE" : "ACTIVE" }));
        }
      });
      const names = (q: ServiceQuery) =>
        store.read((tx) => tx.services.list("c", q)).then((p) => ({ names: p.items.map((s) => s.name), nextAfter: p.nextAfter }));
      const first = await names({ launchType: "FARGATE", limit: 3 });
      assert.deepEqual(first, { names: ["s00", "s02", "s04"], nextAfter: "s04" });
      assert.deepEqual(await names({ launchType: "FARGATE", limit: 3, after: first.nextAfter }), { names: ["s06", "s08", "s10"], nextAfter: undefined });
      assert.deepEqual((await names({ launchType: "FARGATE", schedulingStrategy: "DAEMON", limit: 10 })).names, ["s00", "s06"]);
      assert.deepEqual((await names({ launchType: "FARGATE", status: "ACTIVE", limit: 10 })).names, ["s00", "s02", "s06", "s10"]);
      assert.deepEqual((await names({ launchType: "EXTERNAL", limit: 10 })).names, []);
      // A strategy of Fargate's providers counts as FARGATE whatever the launchType kept beside it, one of Auto Scaling group providers as EC2.
      await store.write(async (tx) => {
        await tx.services.put(aService("c", "spot", { capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }] }));
        await tx.services.put(aService("c", "asg", { launchType: "FARGATE", capacityProviderStrategy: [{ capacityProvider: "on-demand", weight: 1, base: 0 }] }));
      });
      const open = new Map((await store.read((tx) => tx.services.openStatuses("c"))).map((s) => [s.name, s.countKey]));
      assert.equal(open.size, 13);
      assert.equal(open.get("s04"), serviceCountKey(aService("c", "s04", { status: "DRAINING", launchType: "FARGATE" })));
      assert.equal(open.get("s05"), serviceCountKey(aService("c", "s05", { launchType: "EC2" })));
      assert.equal(open.get("spot"), serviceCountKey(aService("c", "x", { launchType: "FARGATE" })));
      assert.equal(open.get("asg"), serviceCountKey(aService("c", "x", { launchType: "EC2" })));
      assert.notEqual(open.get("spot"), open.get("asg"), "the launch type is in the key");
      assert.ok(!open.has("s08"), "INACTIVE services are not open");
    }));

  it("moves an agent credential to the instance of its last put", () =>
    withStore(async (store) => {
      const cred = (instance: string) => ({ accessKeyId: "K1", secretAccessKey: `s-${instance}`, containerInstanceArn: instance, cluster: "c", createdAtMs: 1 });
      await store.write((tx) => tx.agentCredentials.put(cred("ci/a")));
      await store.write((tx) => tx.agentCredentials.put(cred("ci/b")));
      assert.deepEqual(await store.read((tx) => tx.agentCredentials.get("K1")), cred("ci/b"));
      assert.equal(await store.write((tx) => tx.agentCredentials.revokeInstance("ci/a")), 0);
      assert.equal(await store.write((tx) => tx.agentCredentials.revokeInstance("ci/b")), 1);
    }));

  it("keeps documents whose strings hold NUL characters, and still finds, filters and re-checks them", () =>
    withStore(async (store) => {
      const nul = "stopped\u0000by a client";
      const task: TaskRecord = { ...aTask("t1", {}), stoppedReason: nul };
      const service = aService("c", "web", { tags: [{ key: "k", value: nul }] });
      await store.write(async (tx) => {
        await tx.tasks.put(task);
        await tx.services.put(service);
        await tx.services.addEvents(service.arn, [{ id: "e1", createdAtMs: 1, message: nul }], 5);
      });
      assert.deepEqual(await store.read((tx) => tx.tasks.get(task.arn)), task);
      assert.deepEqual(await store.read((tx) => tx.tasks.reservedOn("i1")), [task.reservation]);
      assert.deepEqual(ids(await store.read((tx) => tx.tasks.holdingResources("i1"))), ["t1"]);
      assert.deepEqual((await store.read((tx) => tx.services.list("c", { limit: 10, launchType: "EC2", schedulingStrategy: "REPLICA" }))).items, [service]);
      assert.deepEqual(await store.read((tx) => tx.services.events(service.arn, 5)), [{ id: "e1", createdAtMs: 1, message: nul }]);
    }));
}
