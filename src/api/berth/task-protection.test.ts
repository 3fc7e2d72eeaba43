import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RegisterContainerInstanceResponse, RunTaskResponse } from "@aws-sdk/client-ecs";
import type { Principal } from "../../auth/principal.js";
import { aTaskDefinition, anInstanceRegistration, startInProcessEcs, testNow, testPartition, type InProcessEcs } from "../testing.js";
import { taskProtection } from "./task-protection.js";

/**
 * The TaskProtection operation behind the agent's `/task-protection/v1/state`, called with an
 * agent's principal: an agent reads and sets only the tasks on its own instance, and learns nothing
 * of others (the same refusal whether another instance's task exists or not).
 */
let ecs: InProcessEcs;
let taskArn = "";
let instanceArn = "";

const agentOf = (containerInstanceArn: string): Principal => ({
  kind: "agent",
  accessKeyId: "AKIAAGENTAGENTAGENT1",
  arn: `arn:aws:sts::${testPartition.accountId}:assumed-role/berth-agent/x`,
  containerInstanceArn,
  cluster: "guard",
});
const call = async (principal: Principal, input: Record<string, unknown>) =>
  taskProtection({ store: ecs.store }).handle(input, { requestId: "r", principal, nowMs: testNow, partition: testPartition });

before(async () => {
  ecs = startInProcessEcs();
  await ecs.send("CreateCluster", { clusterName: "guard" });
  const instance = await ecs.send<RegisterContainerInstanceResponse>("RegisterContainerInstance", anInstanceRegistration({ cluster: "guard", cpu: 4096, memory: 8192 }));
  instanceArn = instance.containerInstance!.containerInstanceArn!;
  await ecs.connectAgent(instanceArn);
  await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "web" }));
  const ran = await ecs.send<RunTaskResponse>("RunTask", { cluster: "guard", taskDefinition: "web" });
  taskArn = ran.tasks![0]!.taskArn!;
  // A RUNNING task of a service, as the service scheduler and the agent would have made it.
  await ecs.store.write(async (tx) => {
    const t = (await tx.tasks.get(taskArn))!;
    await tx.tasks.put({ ...t, serviceName: "web", group: "service:web", lastStatus: "RUNNING", version: t.version + 1 });
  });
});
after(() => ecs.close());

describe("TaskProtection (the agent's task-protection endpoint, server side)", () => {
  it("the agent of the task's instance reads it, sets it for ExpiresInMinutes, and clears it", async () => {
    assert.deepEqual(await call(agentOf(instanceArn), { taskArn }), { protection: { ExpirationDate: null, ProtectionEnabled: false, TaskArn: taskArn } });
    assert.deepEqual(await call(agentOf(instanceArn), { taskArn, protectionEnabled: true, expiresInMinutes: 60 }), {
      protection: { ExpirationDate: new Date(testNow + 3_600_000).toISOString(), ProtectionEnabled: true, TaskArn: taskArn },
    });
    await call(agentOf(instanceArn), { taskArn, protectionEnabled: true });
    assert.deepEqual(
      await call(agentOf(instanceArn), { taskArn }),
      { protection: { ExpirationDate: new Date(testNow + 120 * 60_000).toISOString(), ProtectionEnabled: true, TaskArn: taskArn } },
      "120 minutes by default",
    );
    await call(agentOf(instanceArn), { taskArn, protectionEnabled: false });
    assert.deepEqual(await call(agentOf(instanceArn), { taskArn }), { protection: { ExpirationDate: null, ProtectionEnabled: false, TaskArn: taskArn } });
  });

  it("another instance's agent is refused alike for an existing task and for none, and changes nothing", async () => {
    const other = instanceArn.replace(/[0-9a-f]{4}$/, "0000");
    for (const arn of [taskArn, taskArn.replace(/[0-9a-f]{4}$/, "ffff")]) {
      await assert.rejects(call(agentOf(other), { taskArn: arn, protectionEnabled: true }), (e: Error & { code?: string }) => {
        assert.equal(e.code, "AccessDeniedException");
        assert.match(e.message, /an agent reads and sets the protection of its own tasks only/);
        return true;
      });
    }
    assert.equal((await ecs.store.read((tx) => tx.tasks.get(taskArn)))?.protection, undefined);
  });

  it("answers ECS's failures: MISSING for no task (root), TASK_NOT_VALID for a task of no service; expiresInMinutes out of range is refused", async () => {
    const root: Principal = { kind: "root", accessKeyId: "AKIA", arn: `arn:aws:iam::${testPartition.accountId}:root` };
    const missing = taskArn.replace(/[0-9a-f]{4}$/, "ffff");
    assert.deepEqual(await call(root, { taskArn: missing }), { failure: { Arn: missing, Reason: "MISSING", Detail: null } });
    await ecs.store.write(async (tx) => {
      const t = (await tx.tasks.get(taskArn))!;
      await tx.tasks.put({ ...t, serviceName: undefined, version: t.version + 1 });
    });
    const standalone = (await call(agentOf(instanceArn), { taskArn, protectionEnabled: true })) as { failure?: { Reason: string } };
    assert.equal(standalone.failure?.Reason, "TASK_NOT_VALID");
    await assert.rejects(call(agentOf(instanceArn), { taskArn, protectionEnabled: true, expiresInMinutes: 2881 }), { code: "InvalidParameterException" });
  });
});
