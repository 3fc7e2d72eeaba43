import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthCluster } from "./support/berth-cluster.js";
import { clients, policyDoc } from "./support/iam-tools.js";
import { RegistryTools } from "./support/registry-tools.js";

/**
 * A task with an execution role pulls from Berth's registry with that role's permissions, as ECS
 * pulls ECR images with the task execution role: the role's policy decides, not the agent's.
 */
describe("an execution role governs a task's image pulls from Berth's registry", () => {
  let cluster: BerthCluster;
  let tools: RegistryTools;
  let image = "";
  let account = "";

  before(async () => {
    cluster = await BerthCluster.start({ name: "exec-pull" });
    const server = cluster.server;
    tools = new RegistryTools(server);
    assert.equal((await server.aws("ecr", "create-repository", "--repository-name", "exec-hello")).code, 0);
    assert.equal((await tools.login()).code, 0);
    image = `${tools.host}/exec-hello:latest`;
    await tools.tag("berth-test:latest", image);
    const push = await tools.docker(["push", image]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await tools.docker(["logout", tools.host])).code, 0);

    const { iam, sts } = clients(server);
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account!;
    const trust = policyDoc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
    const repo = `arn:aws:ecr:us-east-1:${account}:repository/exec-hello`;
    await iam.send(new CreateRoleCommand({ RoleName: "puller", AssumeRolePolicyDocument: trust }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "puller",
        PolicyName: "pull",
        PolicyDocument: policyDoc(
          { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
          { Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: repo },
        ),
      }),
    );
    await iam.send(new CreateRoleCommand({ RoleName: "token-only", AssumeRolePolicyDocument: trust }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "token-only", PolicyName: "token", PolicyDocument: policyDoc({ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }) }));
    await iam.send(new CreateRoleCommand({ RoleName: "nothing", AssumeRolePolicyDocument: trust }));
  });

  after(async () => {
    await cluster.stop();
    await tools.cleanUp();
  });

  /** Removes the image from this engine (the agent must pull it), runs one task with `role` as its execution role. */
  async function run(family: string, role: string): Promise<Task> {
    await tools.docker(["rmi", "-f", image]);
    assert.notEqual((await tools.docker(["image", "inspect", image])).code, 0, "the image is not on this engine");
    await cluster.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        executionRoleArn: `arn:aws:iam::${account}:role/${role}`,
        containerDefinitions: [{ name: "app", image, memory: 32, essential: true, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] }],
      }),
    );
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family }));
    assert.deepEqual(out.failures, []);
    const arn = out.tasks![0]!.taskArn!;
    return (await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING" || t.lastStatus === "STOPPED", 60_000, `${family} RUNNING or STOPPED`))[0]!;
  }

  it("pulls with a role allowed ECR's pull actions on the repository: the task runs", async () => {
    const task = await run("exec-ok", "puller");
    assert.equal(task.lastStatus, "RUNNING", task.stoppedReason);
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: task.taskArn }));
  });

  it("refuses a role without ecr:GetAuthorizationToken: CannotPullContainerError in IAM's words, naming the task's session", async () => {
    const task = await run("exec-none", "nothing");
    assert.equal(task.lastStatus, "STOPPED");
    assert.equal(task.stopCode, "TaskFailedToStart");
    const taskId = task.taskArn!.split("/").pop()!;
    assert.match(task.stoppedReason ?? "", /^CannotPullContainerError: /);
    assert.ok(
      (task.stoppedReason ?? "").includes(`arn:aws:sts::${account}:assumed-role/nothing/${taskId} is not authorized to perform: ecr:GetAuthorizationToken`),
      task.stoppedReason,
    );
  });

  it("refuses a role with a token but without ecr:BatchGetImage: the registry denies the pull", async (t) => {
    const task = await run("exec-token-only", "token-only");
    assert.equal(task.lastStatus, "STOPPED");
    assert.equal(task.stopCode, "TaskFailedToStart");
    assert.match(task.stoppedReason ?? "", /^CannotPullContainerError: /);
    t.diagnostic(`stoppedReason: ${task.stoppedReason ?? ""}`);
    const taskId = task.taskArn!.split("/").pop()!;
    assert.ok(
      (task.stoppedReason ?? "").includes(`User: arn:aws:sts::${account}:assumed-role/token-only/${taskId} is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:${account}:repository/exec-hello`),
      task.stoppedReason,
    );
  });
});
