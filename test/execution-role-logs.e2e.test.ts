import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogStreamsCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthCluster } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { clients, policyDoc } from "./support/iam-tools.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const run = promisify(execFile);
const taskId = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);
/** A numbered line every 0.3 s, from 1, for as long as the task runs. */
const numberedLines = ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo \"line $i\"; sleep 0.3; done"];

/**
 * A task with an execution role ships its awslogs lines as that role, as ECS's awslogs driver does
 * with the task execution role: the role's `logs:CreateLogStream` and `logs:PutLogEvents` decide,
 * not the agent's own permissions.
 */
describe("an execution role governs a task's log shipping", () => {
  let cluster: BerthCluster;
  let logs: CloudWatchLogsClient;
  let account = "";
  const group = "/ecs/exec-logs";
  const trust = policyDoc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });

  before(async () => {
    cluster = await BerthCluster.start({ name: "exec-logs" });
    const { server } = cluster;
    logs = new CloudWatchLogsClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const { iam, sts } = clients(server);
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account!;
    await iam.send(new CreateRoleCommand({ RoleName: "no-logs", AssumeRolePolicyDocument: trust }));
    await iam.send(new CreateRoleCommand({ RoleName: "stream-only", AssumeRolePolicyDocument: trust }));
    await iam.send(
      new PutRolePolicyCommand({ RoleName: "stream-only", PolicyName: "streams", PolicyDocument: policyDoc({ Effect: "Allow", Action: "logs:CreateLogStream", Resource: `arn:aws:logs:us-east-1:${account}:log-group:${group}*` }) }),
    );
    iam.destroy();
    sts.destroy();
  });

  after(async () => {
    logs?.destroy();
    await cluster?.stop();
  });

  async function runWithRole(family: string, role: string): Promise<Task> {
    const td = await cluster.register({
      ...aTaskDefinition(family, [
        aContainer({ name: "app", command: numberedLines, logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": family } } }),
      ]),
      executionRoleArn: `arn:aws:iam::${account}:role/${role}`,
    });
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }));
    assert.deepEqual(out.failures, []);
    const arn = out.tasks![0]!.taskArn!;
    return (await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING" || t.lastStatus === "STOPPED", 60_000, `${family} RUNNING or STOPPED`))[0]!;
  }

  const streamsOf = async (prefix: string) => (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: prefix }))).logStreams ?? [];

  it("a role without logs permissions: the container does not start, in the awslogs driver's words naming the task's session, and nothing is stored", async () => {
    const task = await runWithRole("nolog", "no-logs");
    assert.equal(task.lastStatus, "STOPPED", "the container must not start without its log stream");
    assert.equal(task.stopCode, "TaskFailedToStart");
    const stream = `nolog/app/${taskId(task.taskArn!)}`;
    const expected =
      "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: AccessDeniedException: " +
      `User: arn:aws:sts::${account}:assumed-role/no-logs/${taskId(task.taskArn!)} is not authorized to perform: logs:CreateLogStream on resource: arn:aws:logs:us-east-1:${account}:log-group:${group}`;
    assert.ok((task.stoppedReason ?? "").startsWith(expected), task.stoppedReason);
    assert.ok((task.containers?.[0]?.reason ?? "").startsWith(expected), "DescribeTasks shows the container's own reason");
    assert.deepEqual(await streamsOf("nolog/"), [], `no stream ${stream} was made`);

    // The CLI shows the same reason to an operator.
    const cli = await cluster.server.aws("ecs", "describe-tasks", "--cluster", cluster.name, "--tasks", task.taskArn!);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /failed to initialize logging driver/);
  });

  it("a role that may create its stream but not put events: the lines stay with Docker, and flow (from line 1) once the role may put them", async () => {
    const task = await runWithRole("putlater", "stream-only");
    assert.equal(task.lastStatus, "RUNNING", task.stoppedReason);
    const stream = `putlater/app/${taskId(task.taskArn!)}`;
    assert.deepEqual((await streamsOf("putlater/")).map((s) => s.logStreamName), [stream], "the stream was made as the execution role");

    // Lines written and refused: Docker holds them, the store has none.
    const dockerId = task.containers![0]!.runtimeId!;
    await until("three lines in Docker's log", async () => ((await run("docker", ["logs", dockerId])).stdout.includes("line 3") ? true : undefined), { timeoutMs: 20_000 });
    const before = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
    assert.deepEqual(before.events, [], "PutLogEvents is refused to the role: no line is stored");

    const { iam } = clients(cluster.server);
    await iam.send(
      new PutRolePolicyCommand({ RoleName: "stream-only", PolicyName: "put", PolicyDocument: policyDoc({ Effect: "Allow", Action: "logs:PutLogEvents", Resource: `arn:aws:logs:us-east-1:${account}:log-group:${group}:log-stream:*` }) }),
    );
    iam.destroy();
    const events = await until(
      "lines 1-5 stored",
      async () => {
        const got = (await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }))).events ?? [];
        return got.length >= 5 ? got : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(
      events.slice(0, 5).map((e) => e.message),
      ["line 1", "line 2", "line 3", "line 4", "line 5"],
      "the lines refused before are sent, in order, none lost",
    );
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: task.taskArn }));
  });
});
