import { after, before, describe, it } from "node:test";
import { DescribeTasksCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { elbv2Client, get } from "./support/elbv2-cli.js";
import { steadyClient } from "./support/steady-client.js";
import { until } from "./support/until.js";
import { aWebLoadBalancer, awsJson, registerWebOnDynamicPort, targetHealth } from "./support/web-behind-lb.js";

interface CliService {
  deployments: { rolloutState: string }[];
  runningCount: number;
  desiredCount: number;
  events: { message: string; createdAt: string }[];
}
interface CliTask {
  taskArn: string;
  lastStatus: string;
}

/** Issue 11, acceptance 2 and 3: deployments behind a load balancer lose no request; unhealthy targets get their task replaced. */
describe("deployments of a service behind a load balancer", () => {
  let cluster: BerthCluster;
  let port: number;
  let tgArn: string;
  let watcher: ReturnType<typeof watchKills>;
  const aws = awsJson(() => cluster.server);
  const service = async (): Promise<CliService> => ((await aws("ecs", "describe-services", "--cluster", cluster.name, "--services", "web")).services as CliService[])[0]!;
  const runningTasks = async (): Promise<CliTask[]> => {
    const arns = (await aws("ecs", "list-tasks", "--cluster", cluster.name, "--service-name", "web", "--desired-status", "RUNNING")).taskArns as string[];
    return arns.length === 0 ? [] : ((await aws("ecs", "describe-tasks", "--cluster", cluster.name, "--tasks", ...arns)).tasks as CliTask[]);
  };
  const healthyTargets = async (): Promise<number> => (await targetHealth(cluster.server, tgArn)).filter((d) => d.TargetHealth.State === "healthy").length;
  const settled = () =>
    until("one COMPLETED deployment with 4 tasks running and 4 healthy targets", async () => {
      const s = await service();
      return s.deployments.length === 1 && s.deployments[0]!.rolloutState === "COMPLETED" && s.runningCount === 4 && (await healthyTargets()) === 4 ? s : undefined;
    }, { timeoutMs: 120_000, everyMs: 500 });

  before(async () => {
    cluster = await BerthCluster.start({ name: "lb-deploys", agents: 1, serverArgs: ["--task-healthy-after", "1s"] });
    watcher = watchKills(cluster.name);
    port = await freeBlock(1);
    ({ tgArn } = await aWebLoadBalancer(cluster.server, port, { targetGroupArgs: ["--unhealthy-threshold-count", "2"], deregistrationDelaySeconds: 5 }));
    await registerWebOnDynamicPort(cluster.server, "lb-deploy");
    await aws("ecs", "create-service", "--cluster", cluster.name, "--service-name", "web", "--task-definition", "lb-deploy", "--desired-count", "4",
      "--load-balancers", `targetGroupArn=${tgArn},containerName=web,containerPort=80`);
    await settled();
  });
  after(async () => {
    watcher.stop();
    await cluster.stop();
  });

  for (const [min, max] of [[50, 100], [100, 200]] as const) {
    it(`a ${min}/${max} deployment: no connection error and no 5xx for a steady keep-alive client; old targets drain before their containers get SIGTERM`, async () => {
      const old = (await runningTasks()).map((t) => t.taskArn);
      const startedAt = Date.now();
      const client = steadyClient(port);
      await until("the client getting answers", () => (client.ok > 10 ? true : undefined));
      await aws("ecs", "update-service", "--cluster", cluster.name, "--service", "web", "--force-new-deployment", "--deployment-configuration", `minimumHealthyPercent=${min},maximumPercent=${max}`);
      await until("the old tasks replaced", async () => {
        const now = (await runningTasks()).map((t) => t.taskArn);
        return now.length === 4 && now.every((a) => !old.includes(a)) ? true : undefined;
      }, { timeoutMs: 120_000, everyMs: 500 });
      const s = await settled();
      const outcome = await client.stop();
      assert.deepEqual(outcome.failures, [], `${outcome.failures.length} of ${outcome.ok + outcome.failures.length} requests failed`);
      assert.ok(outcome.ok > 100, `only ${outcome.ok} requests answered`);

      // Order: each old task's "is draining" event comes before Docker's kill (SIGTERM) of its container.
      // The deployment completes once the new tasks are healthy; the last old task may still be draining
      // then, so its SIGTERM is waited for (the order is what is checked).
      const kills = await until("every old task's container signalled", () => {
        const k = watcher.kills();
        return old.every((a) => k.has(a)) ? k : undefined;
      }, { timeoutMs: 30_000, everyMs: 500 }).catch(() => watcher.kills());
      for (const arn of old) {
        const id = arn.split("/").at(-1)!;
        const drained = s.events.find((e) => e.message.includes(`(task ${id}) is draining`));
        assert.ok(drained, `no draining event for task ${id}`);
        const killedAt = kills.get(arn);
        assert.ok(killedAt !== undefined, `no SIGTERM seen for task ${id}`);
        assert.ok(Date.parse(drained.createdAt) <= killedAt, `task ${id}: SIGTERM at ${new Date(killedAt).toISOString()} before draining at ${drained.createdAt}`);
        assert.ok(killedAt >= startedAt);
      }
      assert.ok(s.events.some((e) => /^\(service web\) deregistered \d+ targets in \(target-group /.test(e.message)));
    });
  }

  it("StopTask on a task behind the load balancer: DEACTIVATING while its target drains, SIGTERM only after; no error and no 5xx for a steady client", async () => {
    const [victim] = await runningTasks();
    const id = victim!.taskArn.split("/").at(-1)!;
    // A slow page (4 s) on the victim only (busybox httpd's CGI); the other tasks answer it 404 at once.
    const container = (await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.task-arn=${victim!.taskArn}`)).trim();
    await docker("exec", container, "sh", "-c", `mkdir -p /www/cgi-bin && printf '#!/bin/sh\ntouch /tmp/slow-started\nsleep 4\nprintf "Content-Type: text/plain\\r\\n\\r\\nslow done\\n"\n' > /www/cgi-bin/slow && chmod +x /www/cgi-bin/slow`);
    const client = steadyClient(port);
    await until("the client getting answers", () => (client.ok > 10 ? true : undefined));
    // Slow requests through the listener: round robin sends some to the victim, in flight when it is stopped.
    const slow = Promise.all(Array.from({ length: 8 }, () => get(port, "/cgi-bin/slow").then((r) => r.status, () => 0)));
    await until("a slow request running on the victim", async () => ((await docker("exec", container, "ls", "/tmp")).includes("slow-started") ? true : undefined));
    const askedAt = Date.now();
    const stopped = (await aws("ecs", "stop-task", "--cluster", cluster.name, "--task", victim!.taskArn)).task as CliTask & { desiredStatus: string };
    // ECS answers at once: desired STOPPED, and DEACTIVATING while the load balancer deregisters it.
    assert.deepEqual([stopped.desiredStatus, stopped.lastStatus], ["STOPPED", "DEACTIVATING"]);
    // Still DEACTIVATING a moment later (through the SDK, without the CLI's start-up): its container must not have had SIGTERM yet.
    const seenAt = Date.now();
    const later = (await cluster.ecs.send(new DescribeTasksCommand({ cluster: cluster.name, tasks: [victim!.taskArn] }))).tasks?.[0]?.lastStatus;
    const s = await until("the stopped task replaced", async () => {
      const tasks = await runningTasks();
      return tasks.length === 4 && !tasks.some((t) => t.taskArn === victim!.taskArn) ? true : undefined;
    }, { timeoutMs: 60_000, everyMs: 500 }).then(settled);
    const outcome = await client.stop();
    // The requests in flight on the victim finished before its container was signalled.
    const slowStatuses = await slow;
    assert.ok(slowStatuses.includes(200), `no slow request was answered by the victim: ${slowStatuses.join(", ")}`);
    assert.ok(slowStatuses.every((c) => c === 200 || c === 404), `slow requests: ${slowStatuses.join(", ")}`);
    assert.deepEqual(outcome.failures, [], `${outcome.failures.length} of ${outcome.ok + outcome.failures.length} requests failed`);
    assert.ok(outcome.ok > 50, `only ${outcome.ok} requests answered`);
    const killedAt = (await until("the victim's container signalled", () => watcher.kills().get(victim!.taskArn), { timeoutMs: 30_000 }).catch(() => undefined));
    assert.ok(killedAt !== undefined, `no SIGTERM seen for task ${id}`);
    if (later === "DEACTIVATING") assert.ok(killedAt >= seenAt, `SIGTERM at ${new Date(killedAt).toISOString()} while the task was still DEACTIVATING at ${new Date(seenAt).toISOString()}`);
    const deregistered = s.events.filter((e) => /^\(service web\) deregistered 1 targets in \(target-group /.test(e.message) && Date.parse(e.createdAt) >= askedAt - 1000);
    assert.ok(deregistered.length > 0, "no deregistration event after the StopTask");
    assert.ok(deregistered.some((e) => Date.parse(e.createdAt) <= killedAt), `SIGTERM at ${new Date(killedAt).toISOString()} before the target was deregistered`);
    const final = ((await aws("ecs", "describe-tasks", "--cluster", cluster.name, "--tasks", victim!.taskArn)).tasks as { lastStatus: string; stopCode?: string }[])[0]!;
    assert.equal(final.stopCode, "UserInitiated");
  });

  it("a task whose health check path starts failing becomes unhealthy with its reason code, and is replaced; the event says why", async () => {
    const [victim] = await runningTasks();
    const id = victim!.taskArn.split("/").at(-1)!;
    const container = (await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.task-arn=${victim!.taskArn}`)).trim();
    await docker("exec", container, "rm", "/www/index.html");
    // Unhealthy lasts until the scheduler replaces the task and its target drains (about a second, less
    // when the machine is quiet): look often, without the CLI's start-up. If the replacement wins the
    // race, the reason is still in the service's events and the task's stop reason, checked below.
    const elb = elbv2Client(cluster.server);
    const seen = await until("the target unhealthy, or its task replaced", async () => {
      const { TargetHealthDescriptions: ds = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
      const unhealthy = ds.find((d) => d.TargetHealth?.State === "unhealthy")?.TargetHealth;
      if (unhealthy) return { unhealthy };
      return (await runningTasks()).some((t) => t.taskArn === victim!.taskArn) ? undefined : { unhealthy: undefined };
    }, { timeoutMs: 30_000, everyMs: 50 });
    if (seen.unhealthy) assert.deepEqual([seen.unhealthy.Reason, seen.unhealthy.Description], ["Target.ResponseCodeMismatch", "Health checks failed with these codes: [404]"]);
    const s = await until("the task replaced", async () => {
      const svc = await service();
      const tasks = await runningTasks();
      return tasks.length === 4 && !tasks.some((t) => t.taskArn === victim!.taskArn) ? svc : undefined;
    }, { timeoutMs: 60_000 });
    const messages = s.events.map((e) => e.message);
    assert.ok(messages.some((m) => m.startsWith(`(service web) (task ${id}) is unhealthy in (target-group ${tgArn}) due to (reason Health checks failed with these codes: [404])`)), messages.slice(0, 10).join("\n"));
    assert.ok(messages.includes(`(service web) (task ${id}) failed ELB health checks.`));
    const stopped = ((await aws("ecs", "describe-tasks", "--cluster", cluster.name, "--tasks", victim!.taskArn)).tasks as { stoppedReason?: string }[])[0]!;
    assert.equal(stopped.stoppedReason, "Task failed ELB health checks.");
    await settled();
    assert.equal((await get(port, "/")).status, 200);
  });
});

/** When Docker sent SIGTERM to each task's container (by task ARN), from `docker events`. */
/**
 * Docker's SIGTERMs to the cluster's task containers as they happen, by task ARN (the first one's
 * time). Watched live from the start: dockerd keeps only its last events for `--since`, and on a
 * machine shared with other test runs a deployment's kills are pushed out of that window.
 */
function watchKills(clusterName: string): { readonly kills: () => Map<string, number>; readonly stop: () => void } {
  const kills = new Map<string, number>();
  const child = spawn("docker", ["events", "--filter", "event=kill", "--filter", `label=com.amazonaws.ecs.cluster=${clusterName}`, "--format", "{{json .}}"], { stdio: ["ignore", "pipe", "inherit"] });
  let buffered = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines.filter(Boolean)) {
      const e = JSON.parse(line) as { timeNano: number; Actor: { Attributes: Record<string, string> } };
      const arn = e.Actor.Attributes["com.amazonaws.ecs.task-arn"];
      if (arn !== undefined && e.Actor.Attributes.signal === "15" && !kills.has(arn)) kills.set(arn, Math.floor(e.timeNano / 1e6));
    }
  });
  return { kills: () => new Map(kills), stop: () => void child.kill() };
}
