import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CloudWatchLogsClient, GetLogEventsCommand, type OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, sleep } from "./support/berth-cluster.js";
import { awsCli, berthBin } from "./support/berth-server.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/** Every event of a stream, from the head, following nextForwardToken until it repeats (as the CLI's paginator does). */
async function allEvents(logs: CloudWatchLogsClient, group: string, stream: string): Promise<OutputLogEvent[]> {
  const out: OutputLogEvent[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, nextToken: token }));
    out.push(...(page.events ?? []));
    if (page.nextForwardToken === token) return out;
    token = page.nextForwardToken;
  }
}

const run = promisify(execFile);
const awslogs = (group: string) => ({ logDriver: "awslogs" as const, options: { "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "prefix", "awslogs-create-group": "true" } });
const taskId = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

describe("the agent ships awslogs containers' lines to CloudWatch Logs", () => {
  let cluster: BerthCluster;
  let logs: CloudWatchLogsClient;

  before(async () => {
    cluster = await BerthCluster.start({ name: "awslogs" });
    const { server } = cluster;
    logs = new CloudWatchLogsClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
  });
  after(async () => {
    logs?.destroy();
    await cluster?.stop();
  });

  it("a task definition with awslogs is placed, and its numbered lines arrive in order in prefix/web/<task-id>, each within 2 s", async () => {
    const group = `/ecs/lines-${cluster.name}`;
    const td = await cluster.register(
      aTaskDefinition("lines", [aContainer({ name: "web", logConfiguration: awslogs(group), command: ["sh", "-c", "i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo \"line $i\"; sleep 0.1; done; sleep 1000"] })]),
    );
    const run = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }));
    assert.deepEqual(run.failures, [], "placement accepts the awslogs task definition");
    const arn = run.tasks![0]!.taskArn!;
    const stream = `prefix/web/${taskId(arn)}`;
    const events = await until("30 lines shipped", async () => {
      const got = await allEvents(logs, group, stream).catch(() => []);
      return got.length >= 30 ? got : undefined;
    }, { timeoutMs: 20_000 });
    assert.deepEqual(events.map((e) => e.message), Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
    const lags = events.map((e) => (e.ingestionTime ?? 0) - (e.timestamp ?? 0));
    assert.ok(Math.max(...lags) < 2000, `each line reached the store within 2 s of its writing: ${Math.max(...lags)} ms at worst`);

    const cli = await cluster.server.aws("logs", "get-log-events", "--log-group-name", group, "--log-stream-name", stream, "--start-from-head");
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual((JSON.parse(cli.stdout) as { events: { message: string }[] }).events.map((e) => e.message).slice(0, 3), ["line 1", "line 2", "line 3"]);
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
  });

  it("awslogs-multiline-pattern joins a stack trace into one event; a container without a prefix logs to its Docker id; mode non-blocking reaches Docker", async () => {
    const group = `/ecs/multi-${cluster.name}`;
    const script = 'echo "[1] Exception: boom"; echo "  at a"; echo "  at b"; echo "[2] ok"; echo "[3] last"; echo "  at c"; sleep 1000';
    const td = await cluster.register(
      aTaskDefinition("multi", [aContainer({ name: "web", command: ["sh", "-c", script], logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-create-group": "true", "awslogs-multiline-pattern": "\\[", mode: "non-blocking", "max-buffer-size": "4m" } } })]),
    );
    const arn = (await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }))).tasks![0]!.taskArn!;
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING", 20_000, "multi RUNNING");
    const stream = task!.containers![0]!.runtimeId!;
    const events = await until("three events", async () => {
      const got = await allEvents(logs, group, stream).catch(() => []);
      return got.length >= 3 ? got : undefined;
    }, { timeoutMs: 20_000 });
    assert.deepEqual(events.map((e) => e.message), ["[1] Exception: boom\n  at a\n  at b", "[2] ok", "[3] last\n  at c"]);
    const { stdout } = await run("docker", ["inspect", "-f", "{{json .HostConfig.LogConfig}}", stream]);
    assert.deepEqual(JSON.parse(stdout), { Type: "json-file", Config: { "max-size": "64m", "max-file": "4", mode: "non-blocking", "max-buffer-size": "4m" } }, "Docker keeps the lines, in the mode the task definition asked for");
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
  });

  it("berth logs TASK shows a stopped task's last lines next to its stoppedReason and exit code", async () => {
    // stdout and stderr are two pipes that Docker copies concurrently: lines written within the same
    // instant on both have no order, so the script pauses before its stderr line.
    const group = `/ecs/crash-${cluster.name}`;
    const td = await cluster.register(aTaskDefinition("crash", [aContainer({ name: "web", logConfiguration: awslogs(group), command: ["sh", "-c", "for i in 1 2 3 4 5; do echo \"step $i\"; done; sleep 0.3; echo 'fatal: out of widgets' >&2; sleep 1; exit 3"] })]));
    const arn = (await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }))).tasks![0]!.taskArn!;
    await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 30_000, "crash STOPPED");
    const stream = `prefix/web/${taskId(arn)}`;
    await until("the last line shipped", async () => ((await allEvents(logs, group, stream).catch(() => [])).some((e) => e.message === "fatal: out of widgets") ? true : undefined), { timeoutMs: 20_000 });
    const env = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: cluster.server.credentialsFile, AWS_CONFIG_FILE: "/dev/null" };
    const { stdout } = await run(process.execPath, [berthBin, "logs", taskId(arn), "--cluster", cluster.name, "--lines", "3", "--endpoint-url", cluster.server.endpoint], { env, timeout: 60_000 });
    assert.deepEqual(stdout.trim().split("\n"), [
      `task ${taskId(arn)} STOPPED: Essential container in task exited (EssentialContainerExited)`,
      "container web: exit code 3",
      "  step 4",
      "  step 5",
      "  fatal: out of widgets",
    ]);
  });

  it("aws logs tail --follow shows a line written after it started (the CLI polls every 5 s)", async () => {
    const group = `/ecs/tail-${cluster.name}`;
    const td = await cluster.register(aTaskDefinition("ticks", [aContainer({ name: "web", logConfiguration: awslogs(group), command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 1; done"] })]));
    const arn = (await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }))).tasks![0]!.taskArn!;
    await until("the group exists", async () => (await allEvents(logs, group, `prefix/web/${taskId(arn)}`).catch(() => [])).length > 0 || undefined, { timeoutMs: 20_000 });
    const server = cluster.server;
    const tail = spawn(awsCli, ["--endpoint-url", server.endpoint, "--region", "us-east-1", "logs", "tail", group, "--follow", "--since", "1m", "--format", "short"], {
      env: { ...process.env, AWS_SHARED_CREDENTIALS_FILE: server.credentialsFile, AWS_CONFIG_FILE: "/dev/null", AWS_PAGER: "" },
      detached: true,
    });
    let out = "";
    tail.stdout.on("data", (c: Buffer) => (out += c.toString()));
    try {
      const first = await until("tail prints a tick", () => Promise.resolve(/tick (\d+)/.exec(out)?.[1]), { timeoutMs: 15_000 });
      const seen = Number(first);
      const latest = await until("tail prints a later tick", () => {
        const ticks = [...out.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
        return Promise.resolve(ticks.some((t) => t > seen + 2) ? ticks : undefined);
      }, { timeoutMs: 15_000 });
      assert.deepEqual(latest, Array.from({ length: latest.length }, (_, i) => latest[0]! + i), "every tick once, in order");
    } finally {
      process.kill(-tail.pid!, "SIGKILL");
      await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    }
  });

  it("kill -9 of the agent while a container writes 100 lines/s: after a restart no line is lost and none is repeated", async () => {
    const group = `/ecs/fast-${cluster.name}`;
    const total = 3000;
    const td = await cluster.register(
      aTaskDefinition("fast", [aContainer({ name: "web", logConfiguration: awslogs(group), command: ["sh", "-c", `i=0; while [ $i -lt ${total} ]; do i=$((i+1)); echo "n $i"; [ $((i % 10)) -eq 0 ] && sleep 0.1; done; sleep 1000`] })]),
    );
    const arn = (await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }))).tasks![0]!.taskArn!;
    const stream = `prefix/web/${taskId(arn)}`;
    const agent = cluster.agents[0]!;
    const count = async () => (await allEvents(logs, group, stream).catch(() => [])).length;
    for (let round = 0; round < 3; round++) {
      const before = await until(`round ${round}: lines arriving`, async () => ((await count()) > 100 * (round + 1) ? count() : undefined), { timeoutMs: 30_000 });
      await agent.kill("SIGKILL");
      // Round 1 loses the agent's cursors too, as a kill between an accepted batch and its cursor's save would:
      // the stream's own position (its last sequence token) says where to read on from.
      if (round === 1) rmSync(join(agent.dataDir, "log-cursors"), { recursive: true, force: true });
      await sleep(1500);
      await agent.start();
      await until(`round ${round}: shipping resumed`, async () => ((await count()) > before + 200 ? true : undefined), { timeoutMs: 30_000 });
    }
    // The container writes `total` lines, then waits: every one of them arrives, and nothing else.
    const numbers = await until(`all ${total} lines shipped`, async () => {
      const got = await allEvents(logs, group, stream);
      return got.length >= total ? got.map((e) => Number(/^n (\d+)$/.exec(e.message ?? "")?.[1])) : undefined;
    }, { timeoutMs: 60_000, everyMs: 500 });
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    const wrong = numbers.map((n, i) => (n === i + 1 ? undefined : `#${i}: ${n}`)).filter((w) => w !== undefined);
    assert.deepEqual(wrong.slice(0, 10), [], "lines 1..N, each once, in order");
    assert.equal(numbers.length, total);
  });
});
