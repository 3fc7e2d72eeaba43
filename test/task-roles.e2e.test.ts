import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { DescribeTaskDefinitionCommand, ECSClient, ListClustersCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { clients, policyDoc, type Creds } from "./support/iam-tools.js";
import { refusal } from "./support/refusal.js";
import { until } from "./support/until.js";
import { callBerth } from "../src/agent/berth-call.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const run = promisify(execFile);
const region = "us-east-1";
const lifetimeS = 12;

/** A container that idles until stopped. */
const idle = aContainer({ command: ["sh", "-c", 'trap "exit 0" TERM; sleep 1000 & wait'] });

interface ContainerCredentials {
  RoleArn: string;
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
}

/** GET `uri` at 169.254.170.2 from inside container `id` with busybox wget: the body, or wget's error line. */
async function fetchInside(id: string, uri: string): Promise<string> {
  return docker("exec", id, "sh", "-c", `wget -qO- "http://169.254.170.2${uri}" 2>&1 || true`);
}

const asCreds = (c: ContainerCredentials): Creds => ({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.Token });
const ecsAs = (cluster: BerthCluster, creds: Creds) => new ECSClient({ endpoint: cluster.server.endpoint, region, credentials: creds, ...testSdkRetry });

/**
 * Acceptance 2 (task roles): task and execution roles validated as ECS does; the agent serves the
 * task's role credentials at 169.254.170.2 (ECS_ENABLE_TASK_IAM_ROLE) to the task's own containers;
 * they act as the role, expire and are replaced. Two agents share this host: only the first can
 * serve the address, so only it advertises the capability.
 */
describe("task roles: credentials at 169.254.170.2", () => {
  let cluster: BerthCluster;
  let account = "";
  let listerArn = "";
  let withRole: Task;
  let other: Task;
  let uri = "";

  before(async () => {
    cluster = await BerthCluster.start({
      name: "task-roles",
      agents: 2,
      agentEnv: { ECS_ENABLE_TASK_IAM_ROLE: "true" },
      serverArgs: ["--task-credentials-lifetime", `${lifetimeS}s`],
    });
    const { iam, sts } = clients(cluster.server);
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account!;
    const trust = policyDoc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
    listerArn = (await iam.send(new CreateRoleCommand({ RoleName: "lister", AssumeRolePolicyDocument: trust }))).Role!.Arn!;
    await iam.send(new PutRolePolicyCommand({ RoleName: "lister", PolicyName: "list", PolicyDocument: policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }) }));
    const ec2Trust = policyDoc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
    await iam.send(new CreateRoleCommand({ RoleName: "for-ec2", AssumeRolePolicyDocument: ec2Trust }));
  });
  after(() => cluster.stop());

  it("refuses a task role that is not a role, or that does not trust ecs-tasks.amazonaws.com, with ECS's ClientException", async () => {
    const missing = await refusal(cluster.ecs.send(new RegisterTaskDefinitionCommand({ ...aTaskDefinition("bad-role", [idle]), taskRoleArn: `arn:aws:iam::${account}:role/nobody` })));
    assert.equal(missing.name, "ClientException");
    assert.match(missing.message, /^Role is not valid: taskRoleArn arn:aws:iam::\d{12}:role\/nobody names no IAM role/);
    const untrusted = await refusal(
      cluster.ecs.send(new RegisterTaskDefinitionCommand({ ...aTaskDefinition("bad-role", [idle]), executionRoleArn: `arn:aws:iam::${account}:role/for-ec2` })),
    );
    assert.equal(untrusted.name, "ClientException");
    assert.match(untrusted.message, /^ECS was unable to assume the role 'arn:aws:iam::\d{12}:role\/for-ec2' that was provided for this task\./);
    const plain = await cluster.register(aTaskDefinition("plain", [idle]));
    const override = await refusal(
      cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: plain, overrides: { taskRoleArn: `arn:aws:iam::${account}:role/for-ec2` } })),
    );
    assert.equal(override.name, "ClientException");
    assert.match(override.message, /unable to assume the role 'arn:aws:iam::\d{12}:role\/for-ec2'/);
    // TaskOverride takes a role's ARN, not its name (RegisterTaskDefinition alone takes either): the CLI is told the ARN to give.
    const byName = await cluster.server.aws("ecs", "run-task", "--cluster", cluster.name, "--task-definition", plain, "--overrides", JSON.stringify({ taskRoleArn: "lister" }));
    assert.notEqual(byName.code, 0);
    assert.match(byName.stderr, /\(ClientException\).*Role is not valid: overrides\.taskRoleArn 'lister' is not an ARN\. RunTask's overrides name a role by its ARN/);
    assert.ok(byName.stderr.includes(listerArn), byName.stderr);
    const stored = await refusal(cluster.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "bad-role" })));
    assert.equal(stored.name, "ClientException", "the refused registrations stored nothing");
    assert.deepEqual((await cluster.ecs.send(new ListTasksCommand({ cluster: cluster.name }))).taskArns, [], "the refused run started nothing");
  });

  it("advertises the capability only on the agent that serves the address, and places role tasks there", async () => {
    const [first, second] = await cluster.describeInstances(cluster.agents.map((a) => a.containerInstanceArn));
    const names = (i: typeof first) => new Map((i?.attributes ?? []).map((a) => [a.name, a.value]));
    assert.ok(names(first).has("com.amazonaws.ecs.capability.task-iam-role"));
    assert.ok(!names(second).has("com.amazonaws.ecs.capability.task-iam-role"));
    assert.equal(names(second).get("berth.task-credentials-endpoint-unavailable"), "address-in-use");

    const family = await cluster.register({ ...aTaskDefinition("with-role", [idle]), taskRoleArn: listerArn });
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family }));
    assert.deepEqual(out.failures, []);
    withRole = (await cluster.waitForTasks([out.tasks![0]!.taskArn!], (t) => t.lastStatus === "RUNNING", 20_000, "the role task RUNNING"))[0]!;
    assert.equal(withRole.containerInstanceArn, cluster.agents[0]!.containerInstanceArn);
    other = await cluster.runOne(aTaskDefinition("no-role", [idle]), (t) => t.lastStatus === "RUNNING", "a task without a role RUNNING");
  });

  it("gives the task's containers the relative URI, and its credentials act as the role", async () => {
    const id = withRole.containers![0]!.runtimeId!;
    uri = (await docker("exec", id, "sh", "-c", 'echo -n "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"')).trim();
    assert.match(uri, /^\/v2\/credentials\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const creds = JSON.parse(await fetchInside(id, uri)) as ContainerCredentials;
    assert.deepEqual(Object.keys(creds).sort(), ["AccessKeyId", "Expiration", "RoleArn", "SecretAccessKey", "Token"]);
    assert.equal(creds.RoleArn, listerArn);
    assert.match(creds.AccessKeyId, /^ASIA/);
    const left = Date.parse(creds.Expiration) - Date.now();
    assert.ok(left > 0 && left <= lifetimeS * 1000, `expires within the lifetime (${left} ms left)`);

    const taskId = withRole.taskArn!.split("/").pop()!;
    const who = await new STSClient({ endpoint: cluster.server.endpoint, region, credentials: asCreds(creds), ...testSdkRetry }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${account}:assumed-role/lister/${taskId}`);
    const ecs = ecsAs(cluster, asCreds(creds));
    assert.ok((await ecs.send(new ListClustersCommand({}))).clusterArns?.includes(`arn:aws:ecs:${region}:${account}:cluster/${cluster.name}`));
    const denied = await refusal(ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: "with-role:1" })));
    assert.deepEqual(
      [denied.name, denied.message],
      [
        "AccessDeniedException",
        `User: arn:aws:sts::${account}:assumed-role/lister/${taskId} is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:${region}:${account}:task-definition/with-role:1 because no identity-based policy allows the ecs:RunTask action`,
      ],
    );
  });

  it("never serves them to another task's container (403), to the host (403), or for an unknown id (400, as the ECS agent)", async () => {
    const otherId = other.containers![0]!.runtimeId!;
    const fromOther = await fetchInside(otherId, uri);
    // Wherever the other task runs, 169.254.170.2 on this host is the first agent's.
    assert.match(fromOther, /HTTP\/1\.1 403/);
    assert.doesNotMatch(fromOther, /AccessKeyId/);
    const fromHost = await fetch(`http://169.254.170.2${uri}`);
    assert.equal(fromHost.status, 403);
    assert.doesNotMatch(await fromHost.text(), /AccessKeyId/);
    const unknown = await fetchInside(withRole.containers![0]!.runtimeId!, "/v2/credentials/00000000-0000-0000-0000-000000000000");
    assert.match(unknown, /HTTP\/1\.1 400/);
  });

  it("refuses an agent the credentials of a task on another instance", async () => {
    const secondAgent = JSON.parse(readFileSync(join(cluster.agents[1]!.dataDir, "agent-credentials.json"), "utf8")) as { accessKeyId: string; secretAccessKey: string };
    const asked = callBerth(cluster.server.endpoint, region, secondAgent, "GetTaskRoleCredentials", { taskArn: withRole.taskArn, roleType: "TaskApplication" });
    await assert.rejects(asked, (e: Error & { code?: string }) => {
      assert.equal(e.name, "AccessDeniedException");
      assert.match(e.message, /is not placed on container instance .*: an agent gets credentials only for its own tasks\./);
      return true;
    });
  });

  it("renews them before they expire; the old ones then stop working", async () => {
    const id = withRole.containers![0]!.runtimeId!;
    const first = JSON.parse(await fetchInside(id, uri)) as ContainerCredentials;
    const renewed = await until("renewed credentials", async () => {
      const now = JSON.parse(await fetchInside(id, uri)) as ContainerCredentials;
      return now.AccessKeyId !== first.AccessKeyId ? now : undefined;
    }, { timeoutMs: lifetimeS * 1000, everyMs: 500 });
    assert.ok(Date.parse(renewed.Expiration) > Date.parse(first.Expiration));
    assert.ok(Date.now() < Date.parse(first.Expiration), "renewed before the old ones expired");
    assert.ok((await ecsAs(cluster, asCreds(renewed)).send(new ListClustersCommand({}))).clusterArns);
    const expired = await until("the first credentials refused as expired", async () => {
      const r = await ecsAs(cluster, asCreds(first)).send(new ListClustersCommand({})).then(() => undefined, (e: Error) => e);
      return r;
    }, { timeoutMs: lifetimeS * 1000 + 5000, everyMs: 500 });
    assert.equal(expired.name, "ExpiredTokenException");
  });

  it("keeps serving the same URI after the agent is killed and restarted, and removes 169.254.170.2 when it stops", async () => {
    const agent = cluster.agents[0]!;
    await agent.kill("SIGKILL");
    await agent.start();
    const id = withRole.containers![0]!.runtimeId!;
    const again = await until("credentials after the restart", async () => {
      const text = await fetchInside(id, uri);
      return text.includes("AccessKeyId") ? (JSON.parse(text) as ContainerCredentials) : undefined;
    }, { timeoutMs: 20_000 });
    assert.equal(again.RoleArn, listerArn);
    await agent.kill("SIGTERM");
    const { stdout } = await run("ip", ["-4", "addr", "show", "dev", "lo"]);
    assert.doesNotMatch(stdout, /169\.254\.170\.2/);
  });
});
