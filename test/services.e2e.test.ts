import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { describeService, observedCounts, sampler, serviceTasks } from "./support/services.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";

/** Services on SIMULATED agents (real server, real protocol, no containers): the logic-heavy cases. */
describe("services on simulated agents", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  const agents: SimulatedAgent[] = [];
  const small = { cpu: 4096, memory: 8192 };

  before(async () => {
    server = await BerthServer.start(undefined, ["--agent-lost-after", "3s", "--task-healthy-after", "1s"]);
    ecs = server.ecs();
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "sim", memory: 64 }] }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "sim:v2", memory: 64 }] }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "sim:broken", memory: 64, environment: [{ name: "BERTH_SIMULATED", value: "fail-to-start" }] }] }),
    );
  });
  after(async () => {
    agents.forEach((a) => a.stop());
    await server.stop();
  });

  const cluster = async (name: string, n: number) => {
    await ecs.send(new CreateClusterCommand({ clusterName: name }));
    const started = await startSimulatedAgents(server, name, Array.from({ length: n }, () => small));
    agents.push(...started);
    return started;
  };
  const steady = (c: string, s: string, desired: number) =>
    until(`${s} steady at ${desired}`, async () => {
      const svc = await describeService(ecs, c, s);
      const ok = svc.deployments?.length === 1 && svc.deployments[0]?.rolloutState === "COMPLETED" && svc.runningCount === desired && svc.desiredCount === desired;
      return ok ? svc : undefined;
    });

  it("keeps 4 tasks, reports a steady state in ECS's words, and `aws ecs wait services-stable` returns", async () => {
    await cluster("steady", 2);
    const created = await ecs.send(new CreateServiceCommand({ cluster: "steady", serviceName: "web", taskDefinition: "web:1", desiredCount: 4 }));
    assert.equal(created.service?.status, "ACTIVE");
    assert.equal(created.service?.deployments?.[0]?.rolloutState, "IN_PROGRESS");
    const svc = await steady("steady", "web", 4);
    const messages = (svc.events ?? []).map((e) => e.message ?? "");
    assert.equal(messages[0], "(service web) has reached a steady state.", "newest first");
    assert.ok(messages.some((m) => /^\(service web\) has started 4 tasks: (\(task [0-9a-f]{32}\) ?){4}\.$/.test(m)), messages.join("\n"));
    const wait = await server.aws("ecs", "wait", "services-stable", "--cluster", "steady", "--services", "web");
    assert.equal(wait.code, 0, wait.stderr);
    const listed = await ecs.send(new ListServicesCommand({ cluster: "steady" }));
    assert.deepEqual(listed.serviceArns, [svc.serviceArn]);
    await assert.rejects(ecs.send(new DeleteServiceCommand({ cluster: "steady", service: "web" })), /scaled above 0/);
    await ecs.send(new DeleteServiceCommand({ cluster: "steady", service: "web", force: true }));
    await until("service INACTIVE", async () => ((await describeService(ecs, "steady", "web")).status === "INACTIVE" ? true : undefined));
    assert.deepEqual((await ecs.send(new ListServicesCommand({ cluster: "steady" }))).serviceArns, []);
    assert.equal((await serviceTasks(ecs, "steady", "web")).length, 0);
  });

  for (const [min, max] of [
    [50, 100],
    [100, 200],
  ] as const) {
    it(`a rolling deployment at ${min}/${max} stays within the bounds (sampled every 100 ms) and the old deployment ends`, async () => {
      const c = `roll-${min}-${max}`;
      await cluster(c, 2);
      await ecs.send(
        new CreateServiceCommand({ cluster: c, serviceName: "web", taskDefinition: "web:1", desiredCount: 4, deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max } }),
      );
      await steady(c, "web", 4);
      const sample = sampler(ecs, c, "web");
      await ecs.send(new UpdateServiceCommand({ cluster: c, service: "web", taskDefinition: "web:2" }));
      const svc = await steady(c, "web", 4);
      const samples = await sample.stop();
      assert.ok(samples.length > 5, `sampled ${samples.length} times`);
      for (const s of samples) {
        assert.ok(s.running >= (4 * min) / 100, `running ${s.running} below ${min}% of 4`);
        assert.ok(s.alive <= (4 * max) / 100, `alive ${s.alive} above ${max}% of 4`);
      }
      assert.ok(svc.taskDefinition?.endsWith("web:2"));
      assert.ok((await serviceTasks(ecs, c, "web")).every((t) => t.taskDefinitionArn?.endsWith("web:2")));
    });
  }

  it("the circuit breaker fails a deployment whose tasks fail to start and rolls back", async () => {
    await cluster("breaker", 2);
    await ecs.send(
      new CreateServiceCommand({
        cluster: "breaker",
        serviceName: "web",
        taskDefinition: "web:1",
        desiredCount: 2,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const first = await steady("breaker", "web", 2);
    await ecs.send(new UpdateServiceCommand({ cluster: "breaker", service: "web", taskDefinition: "web:3" }));
    const svc = await until("rollback completed", async () => {
      const s = await describeService(ecs, "breaker", "web");
      const failed = (s.events ?? []).some((e) => /deployment failed: tasks failed to start/.test(e.message ?? ""));
      return failed && s.deployments?.length === 1 && s.deployments[0]?.rolloutState === "COMPLETED" ? s : undefined;
    }, { timeoutMs: 60_000 });
    assert.equal(svc.taskDefinition, first.taskDefinition);
    const messages = (svc.events ?? []).map((e) => e.message ?? "");
    assert.ok(messages.some((m) => m.startsWith("(service web) rolling back to deployment ecs-svc/")), messages.join("\n"));
    assert.match(svc.deployments?.[0]?.rolloutStateReason ?? "", /completed/);
  });

  it("draining an instance moves its tasks to the other without going below the minimum", async () => {
    const [a] = await cluster("drain", 2);
    await ecs.send(new CreateServiceCommand({ cluster: "drain", serviceName: "web", taskDefinition: "web:1", desiredCount: 4 }));
    await steady("drain", "web", 4);
    const sample = sampler(ecs, "drain", "web");
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: "drain", containerInstances: [a!.containerInstanceArn], status: "DRAINING" }));
    await until("no task on the drained instance", async () => {
      const tasks = await serviceTasks(ecs, "drain", "web");
      const { alive } = await observedCounts(ecs, "drain", "web");
      return tasks.length === 4 && alive === 4 && tasks.every((t) => t.containerInstanceArn !== a!.containerInstanceArn && t.lastStatus === "RUNNING") ? true : undefined;
    });
    for (const s of await sample.stop()) assert.ok(s.running >= 4, `running ${s.running} below 100% of 4 while draining`);
  });

  it("a DAEMON service runs one task per ACTIVE instance, following joins and drains", async () => {
    const [a] = await cluster("daemon", 2);
    await ecs.send(new CreateServiceCommand({ cluster: "daemon", serviceName: "agent", taskDefinition: "web:1", schedulingStrategy: "DAEMON" }));
    const perInstance = async (n: number) =>
      until(`${n} daemon tasks, one per instance`, async () => {
        const tasks = (await serviceTasks(ecs, "daemon", "agent")).filter((t) => t.lastStatus === "RUNNING");
        const svc = await describeService(ecs, "daemon", "agent");
        return tasks.length === n && new Set(tasks.map((t) => t.containerInstanceArn)).size === n && svc.desiredCount === n && svc.runningCount === n ? tasks : undefined;
      });
    await perInstance(2);
    agents.push(...(await startSimulatedAgents(server, "daemon", [small])));
    await perInstance(3);
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: "daemon", containerInstances: [a!.containerInstanceArn], status: "DRAINING" }));
    const tasks = await perInstance(2);
    assert.ok(tasks.every((t) => t.containerInstanceArn !== a!.containerInstanceArn));
  });

  it("Availability Zone rebalancing: tasks all in one zone spread over a zone that gets capacity, one at a time, never below the desired count", async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: "zones" }));
    const zone = (name: string) => [{ name: "ecs.availability-zone", value: name }];
    agents.push(...(await startSimulatedAgents(server, "zones", [{ ...small, attributes: zone("us-east-1a") }])));
    const created = await ecs.send(new CreateServiceCommand({ cluster: "zones", serviceName: "web", taskDefinition: "web:1", desiredCount: 4 }));
    assert.equal(created.service?.availabilityZoneRebalancing, "ENABLED");
    await steady("zones", "web", 4);
    const running = sampler(ecs, "zones", "web");
    // Nothing is asked of the service: the zone gaining capacity is enough.
    const [b] = await startSimulatedAgents(server, "zones", [{ ...small, attributes: zone("us-east-1b") }]);
    agents.push(b!);
    const svc = await until("balanced", async () => {
      const s = await describeService(ecs, "zones", "web");
      return (s.events ?? []).some((e) => e.message === "service (web) is AZ balanced with 2 tasks in us-east-1a and 2 tasks in us-east-1b.") ? s : undefined;
    }, { timeoutMs: 30_000 });
    const samples = await running.stop();
    const messages = (svc.events ?? []).map((e) => e.message ?? "");
    assert.ok(messages.includes("service (web) is not AZ balanced with 0 tasks in us-east-1b and 4 tasks in us-east-1a. AZ Rebalancing in progress."), messages.slice(0, 8).join("\n"));
    const tasks = await serviceTasks(ecs, "zones", "web");
    assert.equal(tasks.filter((t) => t.containerInstanceArn === b!.containerInstanceArn).length, 2);
    assert.ok(samples.every((c) => c.running >= 4), `running fell to ${Math.min(...samples.map((c) => c.running))}`);
  });

  it("replaces the tasks of a lost agent after the grace, and the agent coming back leaves no duplicates", async () => {
    const [a] = await cluster("lost", 2);
    await ecs.send(new CreateServiceCommand({ cluster: "lost", serviceName: "web", taskDefinition: "web:1", desiredCount: 4, placementStrategy: [{ type: "spread", field: "instanceId" }] }));
    await steady("lost", "web", 4);
    const onA = (await serviceTasks(ecs, "lost", "web")).filter((t) => t.containerInstanceArn === a!.containerInstanceArn);
    assert.equal(onA.length, 2);
    const t0 = Date.now();
    a!.stop();
    await until("replacements RUNNING elsewhere", async () => {
      const tasks = await serviceTasks(ecs, "lost", "web");
      return tasks.length === 4 && tasks.every((t) => t.containerInstanceArn !== a!.containerInstanceArn && t.lastStatus === "RUNNING") ? true : undefined;
    }, { timeoutMs: 20_000 });
    const took = Date.now() - t0;
    assert.ok(took < 3000 + 5000, `replaced after ${took} ms (grace 3 s)`);
    const stopped = await serviceTasks(ecs, "lost", "web", "STOPPED");
    const lost = stopped.filter((t) => onA.some((o) => o.taskArn === t.taskArn));
    assert.equal(lost.length, 2);
    assert.ok(lost.every((t) => t.lastStatus === "STOPPED" && /disconnected for more than 3 seconds/.test(t.stoppedReason ?? "")), lost[0]?.stoppedReason);
    await a!.connect();
    await until("the returning agent stops its replaced tasks", () => Promise.resolve(a!.runningTaskArns().length === 0 ? true : undefined));
    // A sleep, named: `connect()` already waited for the manifest; duplicates would come from the
    // service runner's next passes (change log, 1 s timer), which nothing outside the server shows.
    await new Promise((r) => setTimeout(r, 1500));
    const after = await serviceTasks(ecs, "lost", "web");
    assert.equal(after.length, 4, "no duplicates");
    assert.equal((await describeService(ecs, "lost", "web")).runningCount, 4);
  });
});
