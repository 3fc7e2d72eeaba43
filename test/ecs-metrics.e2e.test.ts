import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { parsePrometheusText } from "./support/prometheus-text.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

type Stats = { Average?: number; Minimum?: number; Maximum?: number };

describe("AWS/ECS metrics from the agents' statistics, and /metrics in Prometheus' text format", () => {
  let server: BerthServer;
  let agents: SimulatedAgent[] = [];
  let pump: NodeJS.Timeout | undefined;
  before(async () => {
    server = await BerthServer.start(undefined, ["--metrics-flush", "500ms"]);
  });
  after(async () => {
    clearInterval(pump);
    agents.forEach((a) => a.stop());
    await server.stop();
  });

  it("service utilization is used over reserved per task (Average, Minimum, Maximum as ECS), cluster reservation and utilization over registered", async () => {
    const ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: "m" }));
    agents = await startSimulatedAgents(server, "m", [{ cpu: 2048, memory: 4096 }, { cpu: 2048, memory: 4096 }]);
    const [a1, a2] = agents as [SimulatedAgent, SimulatedAgent];
    // Each task reserves 256 CPU units and 512 MiB (one container's cpu and memory).
    await ecs.send(new RegisterTaskDefinitionCommand(aTaskDefinition("burn", [aContainer({ cpu: 256, memory: 512 })])));
    await ecs.send(new CreateServiceCommand({ cluster: "m", serviceName: "web", taskDefinition: "burn", desiredCount: 2, placementConstraints: [{ type: "distinctInstance" }] }));
    await until("one service task on each agent", () => (a1.runningTaskArns().length === 1 && a2.runningTaskArns().length === 1) || undefined, { timeoutMs: 20_000 });
    const [t1] = a1.runningTaskArns() as [string];
    // a1's task uses 50 % of its CPU and 25 % of its memory, a2's 100 % and 50 %; a2 also claims a1's task
    // at 8 cores, which the server must refuse: a1's task is not on a2's instance.
    pump = setInterval(() => {
      a1.sendStats(() => ({ cpuUnits: 128, memoryMiB: 128 }));
      a2.sendStats(() => ({ cpuUnits: 256, memoryMiB: 256 }));
      a2.sendRawStats([{ taskArn: t1, cpuUnits: 8192, memoryMiB: 4096 }]);
    }, 200);

    const cw = new CloudWatchClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
    const now = Date.now();
    const stats = async (metricName: string, dims: Record<string, string>): Promise<Stats | undefined> => {
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: "AWS/ECS", MetricName: metricName, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
          StartTime: new Date(now - 120_000), EndTime: new Date(now + 120_000), Period: 300, Statistics: ["Average", "Minimum", "Maximum"],
        }),
      );
      // The range may hold two 5-minute periods (the agents registered just before a boundary): folded into one.
      const points = out.Datapoints ?? [];
      if (points.length === 0) return undefined;
      const averages = points.map((p) => p.Average ?? 0);
      return { Average: averages.reduce((a, b) => a + b, 0) / averages.length, Minimum: Math.min(...points.map((p) => p.Minimum ?? Infinity)), Maximum: Math.max(...points.map((p) => p.Maximum ?? -Infinity)) };
    };
    const service = { ClusterName: "m", ServiceName: "web" };
    // Every sample after the first reports carries the same figures (a first tick may have seen one agent only).
    const cpu = await until("the service's CPUUtilization with both tasks", async () => {
      const s = await stats("CPUUtilization", service);
      return s?.Maximum === 100 && s.Minimum === 50 ? s : undefined;
    }, { timeoutMs: 20_000 });
    assert.equal(cpu?.Minimum, 50);
    assert.equal(cpu?.Maximum, 100);
    assert.ok(cpu?.Average !== undefined && cpu.Average >= 50 && cpu.Average <= 100, `average ${cpu?.Average}`);
    const memory = await stats("MemoryUtilization", service);
    assert.deepEqual([memory?.Minimum, memory?.Maximum], [25, 50]);
    // Two instances of 2048 units and 4096 MiB; two tasks of 256 and 512: 12.5 % reserved.
    // (Ticks before the tasks were placed counted 0 %: the Maximum is the figure with both tasks.)
    assert.equal((await stats("CPUReservation", { ClusterName: "m" }))?.Maximum, 12.5);
    assert.equal((await stats("MemoryReservation", { ClusterName: "m" }))?.Maximum, 12.5);
    // (128 + 256) of 4096 units: never the refused 8192.
    assert.equal((await stats("CPUUtilization", { ClusterName: "m" }))?.Maximum, 9.375);

    // The AWS CLI (Query protocol) reads the same service datapoint.
    const cli = await server.aws("cloudwatch", "get-metric-statistics", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization", "--dimensions", "Name=ClusterName,Value=m", "Name=ServiceName,Value=web",
      "--start-time", new Date(now - 120_000).toISOString(), "--end-time", new Date(now + 120_000).toISOString(), "--period", "300", "--statistics", "Minimum", "Maximum");
    assert.equal(cli.code, 0, cli.stderr);
    const points = (JSON.parse(cli.stdout) as { Datapoints: { Minimum: number; Maximum: number; Unit: string }[] }).Datapoints;
    assert.deepEqual([Math.min(...points.map((p) => p.Minimum)), Math.max(...points.map((p) => p.Maximum)), points[0]?.Unit], [50, 100, "Percent"]);
    const listed = await server.aws("cloudwatch", "list-metrics", "--namespace", "AWS/ECS", "--dimensions", "Name=ServiceName,Value=web");
    assert.deepEqual((JSON.parse(listed.stdout) as { Metrics: { MetricName: string }[] }).Metrics.map((m) => m.MetricName).sort(), ["CPUUtilization", "MemoryUtilization"]);
  });

  it("/metrics parses as Prometheus text: API latency by operation, placements and failures by reason, store writes, agents, AWS/ECS", async () => {
    // A task that fits nowhere: a placement failure with ECS's reason.
    const ecs = server.ecs();
    await ecs.send(new RegisterTaskDefinitionCommand(aTaskDefinition("huge", [aContainer({ memory: 100_000 })])));
    const run = await ecs.send(new RunTaskCommand({ cluster: "m", taskDefinition: "huge" }));
    assert.equal(run.failures?.[0]?.reason, "RESOURCE:MEMORY");
    const res = await fetch(`${server.endpoint}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const families = new Map((await parsePrometheusText(await res.text())).map((f) => [f.name, f]));
    const samples = (name: string, type: string, sample = name) => {
      const f = families.get(name);
      assert.equal(f?.type, type, `${name} is a ${type}`);
      return f.samples.filter((s) => s.name === sample);
    };
    const latency = samples("berth_api_request_duration_seconds", "histogram", "berth_api_request_duration_seconds_count");
    const runTask = latency.find((m) => m.labels.operation === "AmazonEC2ContainerServiceV20141113.RunTask");
    assert.deepEqual([runTask?.labels.protocol, runTask?.labels.outcome], ["json", "ok"]);
    assert.ok((runTask?.value ?? 0) >= 1);
    assert.ok(latency.some((m) => m.labels.operation === "GraniteServiceVersion20100801.GetMetricStatistics" && m.labels.protocol === "json"));
    assert.ok(latency.some((m) => m.labels.operation === "GetMetricStatistics" && m.labels.protocol === "query"));
    const placements = samples("berth_placements", "counter", "berth_placements_total");
    assert.ok((placements.find((m) => m.labels.outcome === "placed")?.value ?? 0) >= 2);
    assert.ok((placements.find((m) => m.labels.outcome === "failed" && m.labels.reason === "RESOURCE:MEMORY")?.value ?? 0) >= 1);
    assert.ok((samples("berth_store_write_duration_seconds", "histogram", "berth_store_write_duration_seconds_count")[0]?.value ?? 0) > 0);
    assert.equal(samples("berth_agents_connected", "gauge")[0]?.value, 2);
    assert.ok((samples("berth_agent_stats_refused", "counter", "berth_agent_stats_refused_total")[0]?.value ?? 0) >= 1);
    const serviceCpu = samples("aws_ecs_cpu_utilization_percent", "gauge").find((m) => m.labels.service_name === "web");
    assert.deepEqual([serviceCpu?.labels.cluster_name, serviceCpu?.value], ["m", 75]);
    assert.equal(samples("aws_ecs_cpu_reservation_percent", "gauge").find((m) => m.labels.cluster_name === "m")?.value, 12.5);
  });
});
