import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { protocolVersion, type AgentMessage, type TaskReport } from "../agent-protocol/messages.js";
import { requestStop } from "../domain/task.js";
import { until } from "../../test/support/until.js";
import type { ContainerInstanceRecord } from "../domain/container-instance.js";
import type { Store } from "../state/store.js";
import { aHub, anInstance, aTask, instanceArn, nextChange } from "./testing.js";

const hello: AgentMessage = { type: "hello", protocolVersion, tasks: [] };
const opts = { timeout: 5_000 };

describe("AgentHub: hello and manifest", () => {
  it("answers hello with the tasks that hold resources on the instance, and the heartbeat period", opts, async (t) => {
    const tasks = [
      aTask("running", { lastStatus: "RUNNING", created: true }),
      aTask("pending"),
      aTask("stopped", { lastStatus: "STOPPED", desired: "STOPPED", created: true }),
      aTask("elsewhere", { instance: "i2" }),
    ];
    const w = await aHub(t, { tasks, heartbeatMs: 1_500 });
    const connected = nextChange(w.changes, "instance", (c) => c.record.agentConnected);
    const agent = w.connect("i1");
    agent.receive(hello);

    const manifest = await agent.next("manifest");
    assert.equal(manifest.seq, 1);
    assert.equal(manifest.heartbeatMs, 1_500);
    assert.deepEqual(
      manifest.tasks.map((s) => [s.taskArn, s.desiredStatus, s.created]).sort(),
      [[aTask("pending").arn, "RUNNING", false], [aTask("running").arn, "RUNNING", true]].sort(),
    );
    assert.equal((await connected).record.arn, instanceArn("i1"));
    assert.equal((await w.store.read((tx) => tx.containerInstances.get(instanceArn("i1"))))?.agentConnected, true);
  });

  it("sends nothing before hello, and answers another protocol version with an error", opts, async (t) => {
    const w = await aHub(t, { tasks: [aTask("a")] });
    const agent = w.connect("i1");
    await w.saveTask(aTask("b"));
    assert.deepEqual(agent.sent, []);
    agent.receive({ ...hello, protocolVersion: protocolVersion + 1 });
    assert.match((await agent.next("error")).message, /protocol version/);
    assert.deepEqual(agent.all("manifest"), []);
  });
});

describe("AgentHub: desired state pushed from the change log", () => {
  it("pushes each desired-status change of a task on the instance once, with increasing seq", opts, async (t) => {
    const w = await aHub(t, { tasks: [aTask("a")] });
    const agent = w.connect("i1");
    agent.receive(hello);
    await agent.next("manifest");

    const b = aTask("b");
    await w.saveTask(b);
    const running = { ...b, lastStatus: "RUNNING", version: 2 } as const;
    await w.saveTask(running); // desired status unchanged
    await w.saveTask({ ...aTask("a"), version: 2 }); // already in the manifest
    await w.saveTask(aTask("c", { instance: "i2" })); // another instance's
    const stopped = requestStop(running, { reason: "user", code: "UserInitiated", nowMs: w.nowMs() });
    await w.saveTask(stopped);
    await w.saveTask({ ...stopped, version: stopped.version + 1 }); // saved again, still STOPPED
    await w.judged();

    assert.deepEqual(
      agent.all("payload").map((p) => [p.seq, p.tasks.map((s) => [s.taskArn, s.desiredStatus])]),
      [
        [2, [[b.arn, "RUNNING"]]],
        [3, [[b.arn, "STOPPED"]]],
      ],
    );
  });
});

describe("AgentHub: one payload per agent per turn", () => {
  it("sends the tasks of one commit for one instance in one payload, and another instance's in its own", opts, async (t) => {
    const w = await aHub(t);
    const one = w.connect("i1");
    const two = w.connect("i2");
    one.receive(hello);
    two.receive(hello);
    await one.next("manifest");
    await two.next("manifest");

    const mine = [aTask("a"), aTask("b"), aTask("c")];
    const theirs = aTask("d", { instance: "i2" });
    await w.store.write(async (tx) => {
      for (const task of [...mine, theirs]) await tx.tasks.put(task);
    });
    await w.judged();

    assert.deepEqual(one.all("payload").map((p) => [p.seq, p.tasks.map((s) => s.taskArn).sort()]), [[2, mine.map((m) => m.arn).sort()]]);
    assert.deepEqual(two.all("payload").map((p) => [p.seq, p.tasks.map((s) => s.taskArn)]), [[2, [theirs.arn]]]);
  });
});

describe("AgentHub: reported state", () => {
  const running = (arn: string): TaskReport => ({ taskArn: arn, status: "RUNNING", containers: [{ name: "app", status: "RUNNING", runtimeId: "docker-1" }], startedAtMs: 5 });

  it("records a taskState report durably, publishes it and answers stateAck; a replay changes nothing", opts, async (t) => {
    const task = aTask("a");
    const w = await aHub(t, { tasks: [task] });
    const agent = w.connect("i1");
    agent.receive(hello);
    await agent.next("manifest");

    const published = nextChange(w.changes, "task", (c) => c.record.arn === task.arn);
    agent.receive({ type: "taskState", id: 7, report: running(task.arn) });
    await agent.next("stateAck", (m) => m.id === 7);
    const stored = await w.store.read((tx) => tx.tasks.get(task.arn));
    assert.equal(stored?.lastStatus, "RUNNING");
    assert.deepEqual(stored?.known, running(task.arn));
    assert.equal(stored?.version, task.version + 1);
    const { record } = await published;
    assert.deepEqual([record.lastStatus, record.version, record.known], [stored?.lastStatus, stored?.version, stored?.known]);

    agent.receive({ type: "taskState", id: 8, report: running(task.arn) });
    await agent.next("stateAck", (m) => m.id === 8);
    assert.deepEqual(await w.store.read((tx) => tx.tasks.get(task.arn)), stored);
  });

  it("records the taskStates of every agent that arrived in one turn in one write, and answers each with its stateAcks", opts, async (t) => {
    const tasks = [aTask("a"), aTask("b"), aTask("c", { instance: "i2" })];
    const w = await aHub(t, { tasks });
    const one = w.connect("i1");
    const two = w.connect("i2");
    one.receive(hello);
    two.receive(hello);
    assert.equal((await one.next("manifest")).batchReports, true);
    await two.next("manifest");
    const write = w.store.write.bind(w.store);
    let writes = 0;
    w.store.write = (fn) => {
      writes++;
      return write(fn);
    };

    one.receive({ type: "taskStates", reports: [{ id: 1, report: running(tasks[0]!.arn) }, { id: 2, report: running(tasks[1]!.arn) }] });
    two.receive({ type: "taskStates", reports: [{ id: 9, report: running(tasks[2]!.arn) }] });
    assert.deepEqual((await one.next("stateAcks")).ids, [1, 2]);
    assert.deepEqual((await two.next("stateAcks")).ids, [9]);
    assert.equal(writes, 1);
    const stored = await w.store.read(async (tx) => Promise.all(tasks.map((x) => tx.tasks.get(x.arn))));
    assert.deepEqual(stored.map((x) => x?.lastStatus), ["RUNNING", "RUNNING", "RUNNING"]);
  });

  it("refuses a report of a task on another instance: acknowledged, not applied, answered with an error", opts, async (t) => {
    const theirs = aTask("theirs", { instance: "i2" });
    const w = await aHub(t, { tasks: [theirs] });
    const agent = w.connect("i1");
    agent.receive(hello);
    await agent.next("manifest");
    const before = await w.store.read((tx) => tx.tasks.get(theirs.arn));

    agent.receive({ type: "taskState", id: 1, report: running(theirs.arn) });
    await agent.next("stateAck", (m) => m.id === 1);
    const error = await agent.next("error");
    assert.ok(error.message.includes(theirs.arn) && error.message.includes(instanceArn("i1")), error.message);
    assert.deepEqual(await w.store.read((tx) => tx.tasks.get(theirs.arn)), before);
    assert.equal(before?.lastStatus, "PENDING");
    assert.equal(w.hub.refusedReports, 1);
  });
});

describe("AgentHub: frames it cannot read end the session", () => {
  const cases: Array<[string, Buffer, boolean, number]> = [
    ["a binary frame: 1003", Buffer.from(JSON.stringify(hello)), true, 1003],
    ["text that is not JSON: 1007", Buffer.from("{hello"), false, 1007],
    ["an unknown message type: 1007", Buffer.from(JSON.stringify({ type: "shout" })), false, 1007],
    ["a hello without its tasks: 1007", Buffer.from(JSON.stringify({ type: "hello", protocolVersion })), false, 1007],
  ];
  for (const [what, data, isBinary, code] of cases) {
    it(what, opts, async (t) => {
      const w = await aHub(t);
      const agent = w.connect("i1");
      agent.frame(data, isBinary);
      assert.equal(agent.closedWith?.code, code);
      await agent.closed();
      assert.equal(w.hub.isConnected(instanceArn("i1")), false);
      assert.deepEqual(agent.sent, []);
    });
  }
});

describe("AgentHub: liveness", () => {
  it("pings every period and ends a session whose ping waited 1.5 s with nothing heard, recording it disconnected since last heard", opts, async (t) => {
    const w = await aHub(t);
    const agent = w.connect("i1");
    const heardAt = w.nowMs();
    agent.receive(hello);
    await agent.next("manifest");

    // First ping at 1 s, unanswered; at 2.5 s it has waited exactly 1.5 s: not yet silent.
    w.elapse(2.5);
    await w.judged();
    assert.equal(agent.pings, 2);
    assert.equal(agent.terminated, false);

    const disconnected = nextChange(w.changes, "instance", (c) => !c.record.agentConnected);
    w.elapse(0.25);
    await w.judged();
    assert.equal(agent.terminated, true);
    const { record } = await disconnected;
    assert.equal(record.agentDisconnectedAtMs, heardAt);
    assert.deepEqual(await w.store.read((tx) => tx.containerInstances.get(instanceArn("i1"))), record);
    assert.equal(w.hub.isConnected(instanceArn("i1")), false);
  });

  it("keeps a session whose agent answers every ping, however long it runs", opts, async (t) => {
    const w = await aHub(t);
    const agent = w.connect("i1");
    for (let p = 0; p < 20; p++) {
      w.elapse(1);
      await w.judged();
      agent.pong();
    }
    assert.equal(agent.pings, 20);
    assert.equal(agent.terminated, false);
  });

  it("counts any message from the agent as an answer", opts, async (t) => {
    const w = await aHub(t);
    const agent = w.connect("i1");
    for (let p = 0; p < 8; p++) {
      w.elapse(1);
      await w.judged();
      agent.receive({ type: "heartbeat" });
    }
    assert.equal(agent.terminated, false);
    w.elapse(2.75);
    await w.judged();
    assert.equal(agent.terminated, true);
  });

  it("loses nobody when its own event loop stalled: silence is counted from pings it sent, not from the last frame", opts, async (t) => {
    const w = await aHub(t);
    const agent = w.connect("i1");
    agent.receive(hello);
    await agent.next("manifest");
    // Heard at 0, then the hub's loop is stuck for 10 s: no pings went out, so none went unanswered.
    w.stall(10_000);
    await w.judged();
    assert.equal(agent.terminated, false);
    assert.equal(agent.pings, 1);
    agent.pong();
    w.elapse(3);
    await w.judged();
    assert.equal(agent.terminated, true, "an agent that then stops answering is still noticed");
  });
});

describe("AgentHub: session lifetime", () => {
  it("replaces an instance's session with its next one, without recording a disconnect", opts, async (t) => {
    const w = await aHub(t);
    const first = w.connect("i1");
    first.receive(hello);
    await first.next("manifest");
    let disconnects = 0;
    w.changes.subscribe((c) => {
      if (c.kind === "instance" && !c.record.agentConnected) disconnects++;
    });

    const second = w.connect("i1");
    assert.equal(first.terminated, true);
    await first.closed();
    second.receive(hello);
    assert.equal((await second.next("manifest")).seq, 1);
    await w.saveTask(aTask("new"));
    await w.judged();

    assert.equal(second.all("payload").length, 1);
    assert.equal(first.all("payload").length, 0);
    assert.equal(w.hub.isConnected(instanceArn("i1")), true);
    assert.equal((await w.store.read((tx) => tx.containerInstances.get(instanceArn("i1"))))?.agentConnected, true);
    assert.equal(disconnects, 0);
  });

  it("closes the session of an instance deregistered (INACTIVE on the change log) with 1008", opts, async (t) => {
    const w = await aHub(t);
    const agent = w.connect("i1");
    const other = w.connect("i2");
    agent.receive(hello);
    await agent.next("manifest");

    await w.saveInstance(anInstance("i1", { status: "INACTIVE", version: 3 }));
    assert.deepEqual(agent.closedWith, { code: 1008, reason: "container instance deregistered" });
    await agent.closed();
    assert.equal(w.hub.isConnected(instanceArn("i1")), false);
    assert.equal(other.closedWith, undefined);
    assert.equal(w.hub.isConnected(instanceArn("i2")), true);
  });
});

describe("AgentHub: one replica of several", () => {
  const instanceNow = (w: { store: Store }) => w.store.read((tx) => tx.containerInstances.get(instanceArn("i1")));

  it("records which replica holds the agent, and its disconnect while it holds it", opts, async (t) => {
    const w = await aHub(t, { replica: "r1" });
    const agent = w.connect("i1");
    agent.receive(hello);
    await agent.next("manifest");
    assert.deepEqual(pick(await instanceNow(w)), { agentConnected: true, agentReplica: "r1" });
    agent.terminate();
    await until("the disconnect recorded", async () => ((await instanceNow(w))?.agentConnected === false ? true : undefined));
  });

  it("leaves alone an agent that another replica holds now when its old session here ends", opts, async (t) => {
    const w = await aHub(t, { replica: "r1" });
    const agent = w.connect("i1");
    agent.receive(hello);
    await agent.next("manifest");
    const held = (await instanceNow(w))!;
    await w.saveInstance({ ...held, agentReplica: "r2", version: held.version + 1 });
    agent.terminate();
    await agent.closed();
    // Writes commit in order: once this one has, the session's end has been dealt with.
    await w.store.write(() => Promise.resolve());
    assert.deepEqual(pick(await instanceNow(w)), { agentConnected: true, agentReplica: "r2" });
  });
});

const pick = (i: ContainerInstanceRecord | undefined) => i && { agentConnected: i.agentConnected, agentReplica: i.agentReplica };

