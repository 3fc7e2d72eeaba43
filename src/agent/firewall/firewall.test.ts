import { describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import type { FirewallView } from "../../domain/security-groups/firewall-view.js";
import { Firewall, type RuleSink } from "./firewall.js";
import type { ChainRule, ProtectedTask } from "./rules.js";

/** A sink that records what it was asked to write, and fails while `failing` is set. */
class RecordingSink implements RuleSink {
  readonly written: (readonly ChainRule[])[] = [];
  removed = 0;
  failing = false;
  replace(rules: readonly ChainRule[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error("iptables: resource busy"));
    this.written.push(rules);
    return Promise.resolve();
  }
  remove(): Promise<void> {
    this.removed++;
    return Promise.resolve();
  }
}

const everything = { protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0" } as const;
const open: FirewallView = { groups: [{ groupId: "sg-a", ingress: [everything], egress: [everything] }], members: [] };

describe("Firewall: the agent's loop that writes its chain", () => {
  const setup = (tasks: ProtectedTask[] = []) => {
    const sink = new RecordingSink();
    const firewall = new Firewall({ sink, tasks: () => tasks, alwaysOpen: [{ ip: "169.254.170.2", protocol: "tcp", port: 80 }], logger: pino({ level: "silent" }), retryMs: 5 });
    return { sink, firewall, tasks };
  };

  it("closes adopted tasks on start until the view arrives, in and out but to the agent's endpoints", async () => {
    const { sink, firewall } = setup([{ ip: "10.0.0.9", groups: ["sg-a"] }]);
    await firewall.start();
    assert.deepEqual(sink.written, [
      [
        ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"],
        ["-d", "10.0.0.9/32", "-j", "DROP"],
        ["-s", "10.0.0.9/32", "-d", "169.254.170.2/32", "-p", "tcp", "--dport", "80", "-j", "RETURN"],
        ["-s", "10.0.0.9/32", "-j", "DROP"],
      ],
    ]);
    assert.equal(sink.removed, 0);
    firewall.update(open);
    await firewall.settled();
    assert.equal(sink.written.length, 2, "the view opened it");
    await firewall.stop();
  });

  it("removes what an earlier run left on start when it has no task, touches nothing while no task needs a rule, and removes its chain on stop", async () => {
    const { sink, firewall } = setup();
    await firewall.start();
    firewall.update(open);
    await firewall.settled();
    assert.deepEqual(sink.written, []);
    await firewall.stop();
    assert.equal(sink.removed, 2);
  });

  it("writes when a task appears, not again for the same rules, and again when they change", async () => {
    const { sink, firewall, tasks } = setup();
    firewall.update(open);
    tasks.push({ ip: "10.0.0.2", groups: ["sg-a"] });
    firewall.tasksChanged();
    await firewall.settled();
    firewall.update(open);
    firewall.tasksChanged();
    await firewall.settled();
    assert.equal(sink.written.length, 1);
    assert.deepEqual(sink.written[0]?.at(-1), ["-d", "10.0.0.2/32", "-j", "DROP"]);
    firewall.update({ groups: [{ groupId: "sg-a", ingress: [], egress: [everything] }], members: [] });
    await firewall.settled();
    assert.equal(sink.written.length, 2);
    assert.equal(sink.written[1]?.length, 2, "the conntrack rule and the task's DROP: nothing allowed in");
    await firewall.stop();
  });

  it("tries a failed write again, with the newest state", async () => {
    const { sink, firewall, tasks } = setup([{ ip: "10.0.0.2", groups: ["sg-a"] }]);
    sink.failing = true;
    firewall.update(open);
    await firewall.settled();
    assert.equal(sink.written.length, 0);
    sink.failing = false;
    tasks.push({ ip: "10.0.0.3", groups: ["sg-a"] });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (sink.written.length > 0) resolve(clearInterval(poll));
      }, 2);
    });
    assert.ok(sink.written[0]?.some((r) => r.includes("10.0.0.3/32")), "the retry wrote the tasks as they are now");
    await firewall.stop();
  });
});
