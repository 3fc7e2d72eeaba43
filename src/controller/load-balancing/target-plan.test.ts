import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TargetRecord } from "../../domain/load-balancing/types.js";
import type { TaskRecord } from "../../domain/task.js";
import { aService, aTask } from "../../state/store-builders.js";
import { planTargets, type TargetSyncInput } from "./target-plan.js";

const tg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef";
const service = aService("c", "web", { loadBalancers: [{ targetGroupArn: tg, containerName: "app", containerPort: 80 }] });
const running = (id: string, hostPort: number, o: Partial<TaskRecord> = {}): TaskRecord => ({
  ...aTask(id, { containerInstanceArn: "ci-1" }),
  serviceName: "web",
  known: { taskArn: `task/${id}`, status: "RUNNING", containers: [{ name: "app", status: "RUNNING", networkBindings: [{ bindIP: "0.0.0.0", containerPort: 80, hostPort, protocol: "tcp" }] }] },
  ...o,
});
const target = (task: TaskRecord, port: number, state: TargetRecord["state"] = "registered"): TargetRecord => ({ targetGroupArn: tg, id: "i-1", port, registeredAtMs: 0, state, taskArn: task.arn, serviceArn: service.arn });
const input = (o: Partial<TargetSyncInput>): TargetSyncInput => ({
  service,
  tasks: [],
  targets: [],
  goneTasks: new Set(),
  instanceIds: new Map([["ci-1", "i-1"]]),
  delayMs: () => 5000,
  targetType: () => "instance",
  nowMs: 1000,
  ...o,
});

describe("a service's targets follow its tasks", () => {
  it("registers a RUNNING task at its container's host port, named by its instance id", () => {
    const t = running("t1", 20001);
    const plan = planTargets(input({ tasks: [t] }));
    assert.deepEqual(plan.put, [{ targetGroupArn: tg, id: "i-1", port: 20001, registeredAtMs: 1000, state: "registered", taskArn: t.arn, serviceArn: service.arn }]);
    assert.deepEqual(plan.registeredTasks, [t.arn]);
    assert.deepEqual(plan.events, [`(service web) registered 1 targets in (target-group ${tg})`]);
  });

  it("registers an awsvpc task in an ip group at its interface's address and the container port, once the address is known", () => {
    const awsvpc = (id: string, address?: string): TaskRecord =>
      running(id, 0, { known: { taskArn: `task/${id}`, status: "RUNNING", containers: [{ name: "app", status: "RUNNING" }], ...(address && { eni: { privateIPv4Address: address, macAddress: "02:42:ac:11:00:02" } }) } });
    const [t, unaddressed] = [awsvpc("t1", "172.18.0.5"), awsvpc("t2")];
    const plan = planTargets(input({ tasks: [t, unaddressed], targetType: () => "ip" }));
    assert.deepEqual(plan.put, [{ targetGroupArn: tg, id: "172.18.0.5", port: 80, registeredAtMs: 1000, state: "registered", taskArn: t.arn, serviceArn: service.arn }]);
    assert.deepEqual(plan.registeredTasks, [t.arn]);
  });

  it("registers a task set's tasks in the set's own target group (an EXTERNAL service's load balancers are its task sets')", () => {
    const greenTg = tg.replace("/web/", "/web-green/");
    const set = (id: string, group: string) => ({ id, arn: id, status: "ACTIVE" as const, taskDefinitionArn: "td", scalePercent: 100, tags: [], runningCount: 0, pendingCount: 0, stabilityStatus: "STABILIZING" as const, stabilityStatusAtMs: 0, createdAtMs: 0, updatedAtMs: 0, loadBalancers: [{ targetGroupArn: group, containerName: "app", containerPort: 80 }] });
    const external = aService("c", "web", { deploymentController: "EXTERNAL", taskSets: [set("ecs-svc/1", tg), set("ecs-svc/2", greenTg)] });
    const [blue, green, stray] = [running("t1", 20001, { startedBy: "ecs-svc/1" }), running("t2", 20002, { startedBy: "ecs-svc/2" }), running("t3", 20003, { startedBy: "ecs-svc/3" })];
    const plan = planTargets(input({ service: external, tasks: [blue, green, stray] }));
    assert.deepEqual(plan.put.map((p) => [p.taskArn, p.targetGroupArn, p.port]), [[blue.arn, tg, 20001], [green.arn, greenTg, 20002]]);
    assert.deepEqual(plan.registeredTasks, [blue.arn, green.arn]);
  });

  it("registers nothing twice: planning the state its own plan produced is empty", () => {
    const t = running("t1", 20001);
    const plan = planTargets(input({ tasks: [t], targets: [target(t, 20001)] }));
    assert.deepEqual([plan.put, plan.remove, plan.events], [[], [], []]);
  });

  it("waits for a task not yet RUNNING, or without its port bound", () => {
    const pending = running("t1", 20001, { lastStatus: "PENDING" });
    const unbound = running("t2", 20002, { known: { taskArn: "x", status: "RUNNING", containers: [{ name: "app", status: "RUNNING" }] } });
    assert.deepEqual(planTargets(input({ tasks: [pending, unbound] })).put, []);
  });

  it("drains the targets of a task stopped outside the scheduler, for the group's deregistration delay", () => {
    const t = running("t1", 20001, { spec: { ...running("t1", 1).spec, desiredStatus: "STOPPED" } });
    const plan = planTargets(input({ tasks: [t], targets: [target(t, 20001)] }));
    assert.deepEqual(plan.put.map((p) => [p.state, p.drainUntilMs]), [["draining", 6000]]);
    assert.deepEqual(plan.events, [`(service web) deregistered 1 targets in (target-group ${tg})`]);
  });

  it("removes the registrations of a STOPPED task, and of tasks gone from the service's view", () => {
    const stopped = running("t1", 20001, { lastStatus: "STOPPED" });
    const gone = running("t2", 20002);
    const plan = planTargets(input({ tasks: [stopped], targets: [target(stopped, 20001, "deregistered"), target(gone, 20002)], goneTasks: new Set([gone.arn]) }));
    assert.deepEqual(plan.remove.map((r) => r.port), [20001, 20002]);
    assert.deepEqual(plan.events, [`(service web) deregistered 1 targets in (target-group ${tg})`]);
  });

  describe("a DEACTIVATING task (StopTask) goes on to STOPPING only once its targets have drained", () => {
    const stopped = (o: Partial<TaskRecord> = {}): TaskRecord => running("t1", 20001, { lastStatus: "DEACTIVATING", spec: { ...running("t1", 1).spec, desiredStatus: "STOPPED" }, ...o });
    const cases: readonly { readonly name: string; readonly targets: (t: TaskRecord) => TargetRecord[]; readonly delayMs?: number; readonly released: boolean }[] = [
      { name: "still registered: drains now, held", targets: (t) => [target(t, 20001)], released: false },
      { name: "draining within its delay: held", targets: (t) => [{ ...target(t, 20001, "draining"), drainUntilMs: 1001 }], released: false },
      { name: "draining past its delay: released", targets: (t) => [{ ...target(t, 20001, "draining"), drainUntilMs: 1000 }], released: true },
      { name: "drained (the data plane let it go): released", targets: (t) => [target(t, 20001, "deregistered")], released: true },
      { name: "no targets left at all: released", targets: () => [], released: true },
      { name: "a group with no deregistration delay: released at once", targets: (t) => [target(t, 20001)], delayMs: 0, released: true },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const t = stopped();
        const plan = planTargets(input({ tasks: [t], targets: c.targets(t), ...(c.delayMs === undefined ? {} : { delayMs: () => c.delayMs ?? 0 }) }));
        assert.deepEqual(plan.release, c.released ? [t.arn] : []);
      });
    }

    it("a task stopped while still RUNNING (no targets to drain when it was asked) is never held", () => {
      const t = stopped({ lastStatus: "RUNNING" });
      assert.deepEqual(planTargets(input({ tasks: [t], targets: [] })).release, []);
    });
  });
});
