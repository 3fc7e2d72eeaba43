import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateServiceCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { parsePrometheusText } from "./support/prometheus-text.js";
import { until } from "./support/until.js";

/**
 * A container that burns one core while /tmp/burn exists (made and removed with `docker exec`:
 * load on request) and otherwise sleeps in short naps.
 */
const burner = "while :; do if [ -e /tmp/burn ]; then :; else sleep 0.2; fi; done";

describe("AWS/ECS CPUUtilization from a real agent's Docker statistics", () => {
  let cluster: BerthCluster;
  before(async () => {
    cluster = await BerthCluster.start({ name: "metrics-docker", agents: 1, agentEnv: { ECS_POLLING_METRICS_WAIT_DURATION: "1s" }, serverArgs: ["--metrics-flush", "1s"] });
  });
  after(() => cluster.stop());

  /** The service's utilization of the server's last tick, from /metrics. */
  const gauge = async (): Promise<number | undefined> => {
    const text = await (await fetch(`${cluster.server.endpoint}/metrics`)).text();
    const family = (await parsePrometheusText(text)).find((f) => f.name === "aws_ecs_cpu_utilization_percent");
    return family?.samples.find((s) => s.labels.service_name === "burner")?.value;
  };

  it("rises under load in `aws cloudwatch get-metric-statistics` and falls when the load stops", async () => {
    // 256 units reserved: one busy core is 400 %, so that a machine shared with other work, where the
    // loop gets a fraction of a core, still shows the load well above 50 %.
    const taskDefinition = await cluster.register(aTaskDefinition("burner", [aContainer({ cpu: 256, memory: 64, command: ["sh", "-c", burner] })]));
    await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "burner", taskDefinition, desiredCount: 1 }));
    const container = await until("the burner container", async () => (await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.cluster=${cluster.name}`)).trim() || undefined, { timeoutMs: 30_000 });
    const idle = await until("an idle utilization", gauge, { timeoutMs: 20_000 });
    assert.ok(idle < 20, `idle at ${idle} %`);

    const start = Date.now();
    await docker("exec", container, "touch", "/tmp/burn");
    await until("a busy utilization", async () => ((await gauge()) ?? 0) > 50 || undefined, { timeoutMs: 20_000 });
    const cli = await until("the CLI's datapoint under load", async () => {
      const out = await cluster.server.aws("cloudwatch", "get-metric-statistics", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization",
        "--dimensions", `Name=ClusterName,Value=${cluster.name}`, "Name=ServiceName,Value=burner",
        "--start-time", new Date(start - 120_000).toISOString(), "--end-time", new Date(Date.now() + 60_000).toISOString(), "--period", "60", "--statistics", "Maximum", "Minimum");
      assert.equal(out.code, 0, out.stderr);
      const points = (JSON.parse(out.stdout) as { Datapoints: { Maximum: number; Minimum: number; Unit: string }[] }).Datapoints;
      return points.some((p) => p.Maximum > 50) ? points : undefined;
    }, { timeoutMs: 20_000 });
    assert.ok(cli.every((p) => p.Unit === "Percent"));
    // It was idle before: the minimum of the datapoints is well below the load.
    assert.ok(Math.min(...cli.map((p) => p.Minimum)) < 20);

    // The task metadata endpoint serves the same figures in Docker's stats shape (from the host: the agent listens on loopback too).
    const uri = /ECS_CONTAINER_METADATA_URI_V4=(\S+)/.exec(await docker("exec", container, "env"))?.[1] ?? "";
    const local = uri.replace(/^http:\/\/[^:/]+/, "http://127.0.0.1");
    const own = (await (await fetch(`${local}/stats`)).json()) as { cpu_stats?: { cpu_usage?: { total_usage?: number } }; memory_stats?: { usage?: number } };
    assert.ok((own.cpu_stats?.cpu_usage?.total_usage ?? 0) > 0 && (own.memory_stats?.usage ?? 0) > 0);
    const task = (await (await fetch(`${local}/task/stats`)).json()) as Record<string, { cpu_stats?: unknown }>;
    const [id] = Object.keys(task);
    assert.ok(id !== undefined && id.startsWith(container) && task[id]?.cpu_stats !== undefined, JSON.stringify(Object.keys(task)));

    await docker("exec", container, "rm", "/tmp/burn");
    await until("the utilization back down", async () => ((await gauge()) ?? 100) < 20 || undefined, { timeoutMs: 20_000 });
  });
});
