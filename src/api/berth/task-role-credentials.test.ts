import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RegisterContainerInstanceResponse, RunTaskResponse, StopTaskResponse } from "@aws-sdk/client-ecs";
import { berthSigningName, berthTargetPrefix } from "../../agent-protocol/agent-credential.js";
import { IamDirectory } from "../../auth/iam-directory.js";
import { SecretBox } from "../../auth/secret-box.js";
import { ecsTasksPrincipal } from "../../auth/service-trust.js";
import type { IamRoleRecord } from "../../state/iam-records.js";
import { aTaskDefinition, anInstanceRegistration, jsonAnswer, signedJsonRequest, startInProcessEcs, testNow, testPartition, type InProcessEcs } from "../testing.js";
import { berthService } from "./service.js";

/**
 * GetTaskRoleCredentials in process, called as root (who may ask for any task; the agent's
 * own-instance rule is specified end to end in test/task-roles.e2e.test.ts).
 */
const lifetimeMs = 900_000;
const account = testPartition.accountId;
const dir = mkdtempSync(join(tmpdir(), "berth-task-creds-"));
let ecs: InProcessEcs;
let directory: IamDirectory;

const trustingEcsTasks = (name: string): IamRoleRecord => ({
  roleName: name,
  roleId: "AROAAPPAPPAPP",
  arn: `arn:aws:iam::${account}:role/${name}`,
  path: "/",
  createdAtMs: 0,
  maxSessionDurationS: 3600,
  assumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ecsTasksPrincipal }, Action: "sts:AssumeRole" }] }),
  tags: [],
  inlinePolicies: {},
  attachedPolicies: [],
});

const ask = async (input: object) => jsonAnswer(await ecs.dispatch(await signedJsonRequest({ targetPrefix: berthTargetPrefix, signingName: berthSigningName }, "GetTaskRoleCredentials", input)));

async function runOne(family: string): Promise<string> {
  const out = await ecs.send<RunTaskResponse>("RunTask", { cluster: "creds", taskDefinition: family });
  return out.tasks?.[0]?.taskArn ?? assert.fail(`no task of ${family}: ${JSON.stringify(out.failures)}`);
}

before(async () => {
  const box = SecretBox.loadOrCreate(join(dir, "iam-key"));
  ecs = startInProcessEcs((store) => {
    directory = new IamDirectory({ store, box, partition: testPartition });
    return [berthService({ store, iam: { store, box, directory, partition: testPartition }, taskCredentialsLifetimeMs: lifetimeMs })];
  });
  await ecs.store.write((tx) => tx.iam.roles.put("app", trustingEcsTasks("app")));
  await ecs.send("CreateCluster", { clusterName: "creds" });
  const instance = await ecs.send<RegisterContainerInstanceResponse>(
    "RegisterContainerInstance",
    anInstanceRegistration({ cluster: "creds", cpu: 4096, memory: 8192, attributes: [{ name: "com.amazonaws.ecs.capability.task-iam-role" }] }),
  );
  await ecs.connectAgent(instance.containerInstance!.containerInstanceArn!);
  await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "with-role", taskRoleArn: `arn:aws:iam::${account}:role/app` }));
  await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "without-role" }));
});
after(async () => {
  await ecs.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GetTaskRoleCredentials", () => {
  it("issues a session of the task's role named after the task, living the configured lifetime, that authenticates as the role", async () => {
    const taskArn = await runOne("with-role");
    const answer = await ask({ taskArn, roleType: "TaskApplication" });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.roleArn, `arn:aws:iam::${account}:role/app`);
    assert.equal(answer.body.expiration, testNow + lifetimeMs);
    assert.match(String(answer.body.accessKeyId), /^ASIA/);
    const key = await directory.key(String(answer.body.accessKeyId));
    assert.equal(key?.secretAccessKey, answer.body.secretAccessKey);
    assert.equal(key?.principal.arn, `arn:aws:sts::${account}:assumed-role/app/${taskArn.split("/").pop()}`);
    assert.equal(key?.session?.expiresAtMs, testNow + lifetimeMs);
  });

  const refusals: [string, () => Promise<object>, string, RegExp][] = [
    ["a roleType ECS does not have", async () => ({ taskArn: await runOne("with-role"), roleType: "Instance" }), "ClientException", /^roleType must be one of TaskApplication, TaskExecution; got 'Instance'/],
    ["a task without a task role", async () => ({ taskArn: await runOne("without-role"), roleType: "TaskApplication" }), "ClientException", /has no taskRoleArn\.$/],
    ["a task without an execution role", async () => ({ taskArn: await runOne("with-role"), roleType: "TaskExecution" }), "ClientException", /has no executionRoleArn\.$/],
    ["a task that does not exist", () => Promise.resolve({ taskArn: `arn:aws:ecs:us-east-1:${account}:task/creds/0000`, roleType: "TaskApplication" }), "ClientException", /not found\.$/],
    ["a missing member", () => Promise.resolve({ taskArn: "x" }), "InvalidParameterException", /roleType/],
  ];
  for (const [what, input, type, message] of refusals) {
    it(`refuses ${what} with ${type}`, async () => {
      const answer = await ask(await input());
      assert.equal(answer.status, 400);
      assert.equal(answer.body.__type, type);
      assert.match(String(answer.body.message), message);
    });
  }

  it("refuses a task once it is STOPPED", async () => {
    const taskArn = await runOne("with-role");
    await ecs.send<StopTaskResponse>("StopTask", { cluster: "creds", task: taskArn });
    // StopTask sets the desired status; the agent reports STOPPED (here: the store, as the hub records it).
    await ecs.store.write(async (tx) => {
      const task = (await tx.tasks.get(taskArn))!;
      await tx.tasks.put({ ...task, lastStatus: "STOPPED", version: task.version + 1 });
    });
    const answer = await ask({ taskArn, roleType: "TaskApplication" });
    assert.equal(answer.body.__type, "ClientException");
    assert.match(String(answer.body.message), /is STOPPED: its role's credentials are no longer issued\.$/);
  });
});
