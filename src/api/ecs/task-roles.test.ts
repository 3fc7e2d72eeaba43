import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RegisterContainerInstanceResponse, RunTaskResponse } from "@aws-sdk/client-ecs";
import { ecsTasksPrincipal } from "../../auth/service-trust.js";
import type { IamRoleRecord } from "../../state/iam-records.js";
import { aTaskDefinition, anInstanceRegistration, itRefuses, startInProcessEcs, type InProcessEcs } from "../testing.js";
import { overrideRoleProblem, type NamedTaskRoles } from "./task-roles.js";

/** Task and execution roles through the JSON front door in process: what ECS accepts, and where the tasks go. */
let ecs: InProcessEcs;
const account = "123456789012";
const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;

const aRole = (name: string, service: string): IamRoleRecord => ({
  roleName: name,
  roleId: `AROA${name.toUpperCase()}`,
  arn: roleArn(name),
  path: "/",
  createdAtMs: 0,
  maxSessionDurationS: 3600,
  assumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] }),
  tags: [],
  inlinePolicies: {},
  attachedPolicies: [],
});

before(async () => {
  ecs = startInProcessEcs();
  await ecs.store.write(async (tx) => {
    await tx.iam.roles.put("app", aRole("app", ecsTasksPrincipal));
    await tx.iam.roles.put("for-ec2", aRole("for-ec2", "ec2.amazonaws.com"));
  });
  await ecs.send("CreateCluster", { clusterName: "roles" });
  await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "plain" }));
});
after(() => ecs.close());

describe("task roles named by a task definition or a run", () => {
  it("registers a definition whose roles exist and trust ecs-tasks.amazonaws.com", async () => {
    const out = await ecs.send<{ taskDefinition: { taskRoleArn?: string; executionRoleArn?: string } }>(
      "RegisterTaskDefinition",
      aTaskDefinition({ family: "with-roles", taskRoleArn: roleArn("app"), executionRoleArn: roleArn("app") }),
    );
    assert.equal(out.taskDefinition.taskRoleArn, roleArn("app"));
    assert.equal(out.taskDefinition.executionRoleArn, roleArn("app"));
  });

  it("takes a role's name for its ARN, as ECS fills in the account: stored and described as the ARN", async () => {
    const out = await ecs.send<{ taskDefinition: { taskRoleArn?: string; executionRoleArn?: string } }>(
      "RegisterTaskDefinition",
      aTaskDefinition({ family: "by-name", taskRoleArn: "app", executionRoleArn: "app" }),
    );
    assert.deepEqual([out.taskDefinition.taskRoleArn, out.taskDefinition.executionRoleArn], [roleArn("app"), roleArn("app")]);
    const described = await ecs.send<{ taskDefinition: { executionRoleArn?: string } }>("DescribeTaskDefinition", { taskDefinition: "by-name" });
    assert.equal(described.taskDefinition.executionRoleArn, roleArn("app"));
  });

  itRefuses(() => ecs, [
    {
      what: "a task role that does not exist",
      op: "RegisterTaskDefinition",
      input: aTaskDefinition({ family: "bad", taskRoleArn: roleArn("nobody") }),
      type: "ClientException",
      message: /^Role is not valid: taskRoleArn arn:aws:iam::123456789012:role\/nobody names no IAM role of account 123456789012/,
    },
    {
      what: "a role name that names no role",
      op: "RegisterTaskDefinition",
      input: aTaskDefinition({ family: "bad", executionRoleArn: "nobody" }),
      type: "ClientException",
      message: /^Role is not valid: executionRoleArn arn:aws:iam::123456789012:role\/nobody names no IAM role/,
    },
    {
      what: "an execution role of another account",
      op: "RegisterTaskDefinition",
      input: aTaskDefinition({ family: "bad", executionRoleArn: "arn:aws:iam::111111111111:role/app" }),
      type: "ClientException",
      message: /^Role is not valid: executionRoleArn/,
    },
    {
      what: "something that is not a role ARN",
      op: "RegisterTaskDefinition",
      input: aTaskDefinition({ family: "bad", taskRoleArn: `arn:aws:iam::${account}:user/app` }),
      type: "ClientException",
      message: /^Role is not valid/,
    },
    {
      what: "a role that does not trust ecs-tasks.amazonaws.com",
      op: "RegisterTaskDefinition",
      input: aTaskDefinition({ family: "bad", taskRoleArn: roleArn("for-ec2") }),
      type: "ClientException",
      message: /^ECS was unable to assume the role 'arn:aws:iam::123456789012:role\/for-ec2' that was provided for this task\. Please verify that the role being passed has the proper trust relationship/,
    },
    {
      what: "a RunTask override naming a role that does not trust ecs-tasks.amazonaws.com",
      op: "RunTask",
      input: { cluster: "roles", taskDefinition: "plain", overrides: { taskRoleArn: roleArn("for-ec2") } },
      type: "ClientException",
      message: /unable to assume the role 'arn:aws:iam::123456789012:role\/for-ec2'/,
    },
    {
      what: "a RunTask override naming a role by its name (TaskOverride takes an ARN), with the ARN to give",
      op: "RunTask",
      input: { cluster: "roles", taskDefinition: "plain", overrides: { taskRoleArn: "app" } },
      type: "ClientException",
      message: /^Role is not valid: overrides\.taskRoleArn 'app' is not an ARN\. RunTask's overrides name a role by its ARN \(only RegisterTaskDefinition takes a role's name\): give arn:aws:iam::123456789012:role\/app\.$/,
    },
    {
      what: "a StartTask override naming an execution role by its name",
      op: "StartTask",
      input: { cluster: "roles", taskDefinition: "plain", containerInstances: ["0123456789abcdef"], overrides: { executionRoleArn: "app" } },
      type: "ClientException",
      message: /^Role is not valid: overrides\.executionRoleArn 'app' is not an ARN\. StartTask's overrides name a role by its ARN/,
    },
    {
      what: "a StartTask override naming a role that does not exist",
      op: "StartTask",
      input: { cluster: "roles", taskDefinition: "plain", containerInstances: ["0123456789abcdef"], overrides: { executionRoleArn: roleArn("nobody") } },
      type: "ClientException",
      message: /^Role is not valid: executionRoleArn/,
    },
  ]);

  it("places a task whose run names a task role only on instances that serve task roles, and hands the role to the agent", async () => {
    const plainInstance = (await ecs.send<RegisterContainerInstanceResponse>("RegisterContainerInstance", anInstanceRegistration({ cluster: "roles" }))).containerInstance!.containerInstanceArn!;
    await ecs.connectAgent(plainInstance);
    const run = { cluster: "roles", taskDefinition: "plain", overrides: { taskRoleArn: roleArn("app") } };
    const refused = await ecs.send<RunTaskResponse>("RunTask", run);
    assert.equal(refused.tasks?.length, 0);
    assert.match(refused.failures?.[0]?.reason ?? "", /ATTRIBUTE/);

    const capable = await ecs.send<RegisterContainerInstanceResponse>(
      "RegisterContainerInstance",
      anInstanceRegistration({ cluster: "roles", attributes: [{ name: "com.amazonaws.ecs.capability.task-iam-role" }] }),
    );
    const capableArn = capable.containerInstance!.containerInstanceArn!;
    await ecs.connectAgent(capableArn);
    const placed = await ecs.send<RunTaskResponse>("RunTask", run);
    assert.equal(placed.tasks?.[0]?.containerInstanceArn, capableArn);
    const record = await ecs.store.read((tx) => tx.tasks.get(placed.tasks![0]!.taskArn!));
    assert.equal(record?.spec.taskRoleArn, roleArn("app"), "the override's role is the task's");
    assert.equal(record?.spec.executionRoleArn, undefined);
  });
});

describe("overrideRoleProblem", () => {
  const p = { accountId: account, region: "us-east-1" };
  const cases: [string, NamedTaskRoles | undefined, string | undefined][] = [
    ["no overrides", undefined, undefined],
    ["no roles overridden", {}, undefined],
    ["both roles by ARN", { taskRoleArn: roleArn("app"), executionRoleArn: roleArn("exec") }, undefined],
    ["a task role by name", { taskRoleArn: "app" }, `Role is not valid: overrides.taskRoleArn 'app' is not an ARN. RunTask's overrides name a role by its ARN (only RegisterTaskDefinition takes a role's name): give ${roleArn("app")}.`],
    ["an execution role by name with a path", { taskRoleArn: roleArn("app"), executionRoleArn: "service-role/exec" }, `Role is not valid: overrides.executionRoleArn 'service-role/exec' is not an ARN. RunTask's overrides name a role by its ARN (only RegisterTaskDefinition takes a role's name): give ${roleArn("service-role/exec")}.`],
  ];
  for (const [what, overrides, problem] of cases) it(what, () => assert.equal(overrideRoleProblem(overrides, "RunTask", p), problem));
});
