import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { ServerMessage } from "../agent-protocol/messages.js";
import type { TaskRecord } from "../domain/task.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import { FirewallPublisher } from "./firewall-publisher.js";
import { aCluster } from "../state/store-builders.js";
import { aTask, anInstance, cluster, partition } from "./testing.js";

/** An awsvpc task in `groups`, with an address once `ip` is given, and its status. */
function anAwsvpcTask(id: string, groups: string[], o: { ip?: string; lastStatus?: TaskRecord["lastStatus"]; version?: number } = {}): TaskRecord {
  const t = aTask(id, { lastStatus: o.lastStatus ?? "RUNNING" });
  return {
    ...t,
    version: o.version ?? 1,
    spec: { ...t.spec, networkMode: "awsvpc", awsvpc: { attachmentId: `att-${id}`, subnet: "subnet-a", securityGroups: groups, assignPublicIp: "DISABLED" } },
    known: o.ip === undefined ? undefined : { taskArn: t.arn, status: "RUNNING", containers: [], eni: { privateIPv4Address: o.ip, macAddress: "02:42:ac:11:00:02" } },
  };
}

async function aPublisher(t: TestContext, tasks: TaskRecord[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "berth-firewall-"));
  const store = new SqliteStore({ path: join(dir, "berth.db") });
  await store.write(async (tx) => {
    await tx.clusters.put(aCluster(cluster));
    await tx.containerInstances.put(anInstance("i1"));
    for (const task of tasks) await tx.tasks.put(task);
  });
  const sent: ServerMessage[] = [];
  const publisher = new FirewallPublisher({ store, partition, logger: pino({ level: "silent" }), now: () => 0, broadcast: (m) => sent.push(m) });
  t.after(async () => {
    publisher.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await publisher.start();
  const views = () => sent.flatMap((m) => (m.type === "firewall" ? [m.view] : []));
  /** Resolves with the next view sent after `act`. */
  const nextView = async (act: () => Promise<void> | void) => {
    const before = views().length;
    await act();
    for (let i = 0; i < 100 && views().length === before; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(views().length > before, "a view was sent");
    return views().at(-1)!;
  };
  return { store, publisher, views, nextView };
}

describe("FirewallPublisher: the agents' view of security groups", () => {
  it("makes the default group once, whose members reach each other, and starts from the tasks the store holds", async (t) => {
    const { store, publisher, views } = await aPublisher(t, [anAwsvpcTask("a", ["sg-web"], { ip: "10.0.0.2" }), anAwsvpcTask("b", ["sg-web"]), aTask("bridge", { lastStatus: "RUNNING" })]);
    const groups = await store.read((tx) => tx.securityGroups.list());
    assert.deepEqual(groups.map((g) => g.groupName), ["default"]);
    const id = groups[0]!.groupId;
    assert.deepEqual(views().at(-1), {
      groups: [{ groupId: id, ingress: [{ protocol: "-1", fromPort: -1, toPort: -1, groupId: id }], egress: [{ protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0" }] }],
      members: [{ groupId: "sg-web", ips: ["10.0.0.2"] }],
    });
    assert.equal(publisher.current().type, "firewall");
    assert.equal(publisher.inUse("sg-web"), true, "a task without an address yet still uses its group");
    assert.equal(publisher.inUse(id), false);
    await publisher.start();
    assert.equal((await store.read((tx) => tx.securityGroups.list())).length, 1, "started again: still one default group");
  });

  it("sends a new view when a task gets its address and when it stops; nothing for changes that move no address", async (t) => {
    const { store, publisher, views, nextView } = await aPublisher(t, [anAwsvpcTask("a", ["sg-web"])]);
    const withAddress = await nextView(() => store.write((tx) => tx.tasks.put(anAwsvpcTask("a", ["sg-web"], { ip: "10.0.0.7", version: 2 }))));
    assert.deepEqual(withAddress.members, [{ groupId: "sg-web", ips: ["10.0.0.7"] }]);
    const count = views().length;
    await store.write((tx) => tx.tasks.put({ ...anAwsvpcTask("a", ["sg-web"], { ip: "10.0.0.7", version: 3 }), group: "family:other" }));
    await new Promise((r) => setImmediate(r));
    assert.equal(views().length, count, "the same address: no view");
    const stopped = await nextView(() => store.write((tx) => tx.tasks.put(anAwsvpcTask("a", ["sg-web"], { ip: "10.0.0.7", lastStatus: "STOPPED", version: 4 }))));
    assert.deepEqual(stopped.members, []);
    assert.equal(publisher.inUse("sg-web"), false);
  });

  it("takes no address an agent reported that is not an IPv4 address", async (t) => {
    const { store, views } = await aPublisher(t);
    await store.write((tx) => tx.tasks.put(anAwsvpcTask("a", ["sg-web"], { ip: "10.0.0.7 -j ACCEPT" })));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(views().at(-1)?.members, []);
  });

  it("sends one view for any number of group changes in one turn", async (t) => {
    const { publisher, views, nextView } = await aPublisher(t);
    const before = views().length;
    await nextView(() => {
      publisher.groupsChanged();
      publisher.groupsChanged();
      publisher.groupsChanged();
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(views().length, before + 1);
  });
});
