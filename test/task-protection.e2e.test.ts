import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateClusterCommand, CreateServiceCommand, GetTaskProtectionCommand, RegisterTaskDefinitionCommand, RunTaskCommand, UpdateServiceCommand, UpdateTaskProtectionCommand, type ECSClient } from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { describeService, serviceTasks } from "./support/services.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";

/** Task scale-in protection (issue 20): a real server, SIMULATED agents, the AWS CLI at /usr/bin/aws and the SDK v3. */
describe("task scale-in protection", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let agents: SimulatedAgent[] = [];

  before(async () => {
    server = await BerthServer.start(undefined, ["--task-healthy-after", "1s"]);
    ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: "guard" }));
    agents = await startSimulatedAgents(server, "guard", [{ cpu: 4096, memory: 8192 }, { cpu: 4096, memory: 8192 }]);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "sim", memory: 64 }] }));
  });
  after(async () => {
    agents.forEach((a) => a.stop());
    await server.stop();
  });

  const runningTasks = (n: number) =>
    until(`${n} web tasks RUNNING`, async () => {
      const tasks = (await serviceTasks(ecs, "guard", "web")).filter((t) => t.lastStatus === "RUNNING");
      const s = await describeService(ecs, "guard", "web");
      return tasks.length === n && s.deployments?.[0]?.rolloutState === "COMPLETED" ? tasks : undefined;
    });

  it("scaling a service from 3 to 1 keeps the task protected with the AWS CLI", async () => {
    await ecs.send(new CreateServiceCommand({ cluster: "guard", serviceName: "web", taskDefinition: "web", desiredCount: 3 }));
    const three = await runningTasks(3);
    const keep = three[1]!.taskArn!;

    const updated = await server.aws("ecs", "update-task-protection", "--cluster", "guard", "--tasks", keep.split("/").at(-1)!, "--protection-enabled", "--expires-in-minutes", "30");
    assert.equal(updated.code, 0, updated.stderr);
    const out = JSON.parse(updated.stdout) as { protectedTasks: { taskArn: string; protectionEnabled: boolean; expirationDate: string }[]; failures: unknown[] };
    assert.equal(out.protectedTasks[0]?.taskArn, keep);
    assert.equal(out.protectedTasks[0]?.protectionEnabled, true);
    const minutesLeft = (Date.parse(out.protectedTasks[0].expirationDate) - Date.now()) / 60_000;
    assert.ok(minutesLeft > 29 && minutesLeft <= 30, `expires in ${minutesLeft} minutes`);
    assert.deepEqual(out.failures, []);

    await ecs.send(new UpdateServiceCommand({ cluster: "guard", service: "web", desiredCount: 1 }));
    const [survivor] = await until("scaled in to 1", async () => {
      const tasks = await serviceTasks(ecs, "guard", "web");
      return tasks.length === 1 && tasks[0]?.lastStatus === "RUNNING" ? tasks : undefined;
    });
    assert.equal(survivor?.taskArn, keep, "the protected task survived the scale-in");

    const got = await server.aws("ecs", "get-task-protection", "--cluster", "guard", "--tasks", keep);
    assert.equal(got.code, 0, got.stderr);
    assert.equal((JSON.parse(got.stdout) as { protectedTasks: { protectionEnabled: boolean }[] }).protectedTasks[0]?.protectionEnabled, true);
  });

  it("a new deployment waits for a protected task; clearing protection lets it finish", async () => {
    const [only] = await runningTasks(1);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "sim:v2", memory: 64 }] }));
    await ecs.send(new UpdateServiceCommand({ cluster: "guard", service: "web", taskDefinition: "web:2" }));
    // The new task counts as healthy 1 s after it runs (--task-healthy-after); 3 s on, an unprotected
    // old task would have been stopped by then.
    await until("the new deployment's task RUNNING for 3 s beside the protected one", async () => {
      const tasks = await serviceTasks(ecs, "guard", "web");
      return tasks.some((t) => t.taskDefinitionArn?.endsWith("web:2") && t.lastStatus === "RUNNING" && (t.startedAt?.getTime() ?? Infinity) <= Date.now() - 3000) ? true : undefined;
    });
    const during = await serviceTasks(ecs, "guard", "web");
    assert.ok(during.some((t) => t.taskArn === only!.taskArn && t.lastStatus === "RUNNING"), "the protected task is not replaced while protected");
    assert.equal((await describeService(ecs, "guard", "web")).deployments?.length, 2, "the deployment waits for it");

    const off = await ecs.send(new UpdateTaskProtectionCommand({ cluster: "guard", tasks: [only!.taskArn!], protectionEnabled: false }));
    assert.deepEqual(off.protectedTasks?.map((t) => [t.protectionEnabled, t.expirationDate]), [[false, undefined]]);
    const [replaced] = await runningTasks(1);
    assert.ok(replaced?.taskDefinitionArn?.endsWith("web:2"));
  });

  it("answers ECS's failures and refusals, changing nothing", async () => {
    const ran = await ecs.send(new RunTaskCommand({ cluster: "guard", taskDefinition: "web" }));
    const standalone = ran.tasks![0]!.taskArn!;
    const res = await ecs.send(
      new UpdateTaskProtectionCommand({ cluster: "guard", tasks: [standalone, "0123456789abcdef0123456789abcdef"], protectionEnabled: true }),
    );
    assert.deepEqual(res.protectedTasks, []);
    assert.deepEqual(res.failures?.map((f) => f.reason), ["TASK_NOT_VALID", "MISSING"]);
    assert.match(res.failures?.[0]?.detail ?? "", /only to tasks of a service/);

    const tooLong = await server.aws("ecs", "update-task-protection", "--cluster", "guard", "--tasks", standalone, "--protection-enabled", "--expires-in-minutes", "2881");
    assert.equal(tooLong.code, 254);
    assert.match(tooLong.stderr, /InvalidParameterException.*expiresInMinutes must be an integer from 1 to 2880/);
    await assert.rejects(ecs.send(new GetTaskProtectionCommand({ cluster: "guard", tasks: [] })), { name: "InvalidParameterException" });
    await assert.rejects(ecs.send(new GetTaskProtectionCommand({ cluster: "nope", tasks: [standalone] })), { name: "ClusterNotFoundException" });
    const got = await ecs.send(new GetTaskProtectionCommand({ cluster: "guard", tasks: [standalone] }));
    assert.deepEqual(got.failures?.map((f) => f.reason), ["TASK_NOT_VALID"]);
  });
});
