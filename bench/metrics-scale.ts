/**
 * Metrics at scale (issue 13, acceptance 4), a real `berth server` process on this machine:
 * 1. ingest: INSTANCES simulated instances (5,000) running TASKS_PER_INSTANCE tasks each (20), every
 *    instance reporting its tasks' usage every 20 s (staggered, as real agents drift apart); the
 *    server's CPU time over a window with the reports, less the same window without them, as a
 *    share of one core (target ≤ 10 %);
 * 2. GetMetricData over SERVICES services (1,000) for a day: a store seeded with a day of one-minute
 *    CPUUtilization of each service (written directly, as the collector would have), then the AWS
 *    SDK's GetMetricData, 500 metrics a call (the API's limit), period 5 minutes (target ≤ 200 ms
 *    for the 1,000), by a client of each protocol SDK v3 CloudWatch clients speak (AWS JSON 1.0,
 *    RPC v2 CBOR; PROTOCOLS=json or cbor for one), called in turn.
 * `npm run bench:metrics`; INSTANCES, TASKS_PER_INSTANCE, SERVICES, WINDOW_SECONDS size it, PARTS
 * (`query,ingest`) picks the parts, BERTH_BEFORE (another build's dist/src/cli/main.js) adds that
 * build's server to the query part, called in turn with this one; SERVER_NODE_ARGS (e.g.
 * "--cpu-prof") are node flags for the query part's servers. Every
 * simulated instance holds a connection: the server runs with --max-connections above INSTANCES.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";
import { CreateServiceCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { parseCredentialsFile } from "../src/auth/credentials-file.js";
import { SqliteStore } from "../src/state/sqlite/sqlite-store.js";
import { machineLine, quantile, startBenchCluster } from "./support/bench-cluster.js";
import { dayMs, dayQueries, seedServiceDay } from "./support/metric-day.js";
import { freePort } from "../test/support/berth-cluster.js";

const instances = Number(process.env.INSTANCES ?? 5000);
const tasksPerInstance = Number(process.env.TASKS_PER_INSTANCE ?? 20);
const services = Number(process.env.SERVICES ?? 1000);
const windowSeconds = Number(process.env.WINDOW_SECONDS ?? 60);
const reportEveryMs = 20_000;

/** CPU seconds (user + system) the process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ingest(): Promise<string[]> {
  const tasks = instances * tasksPerInstance;
  const perService = Math.ceil(tasks / services);
  const bench = await startBenchCluster({ instances, cpu: 16_384, memory: 65_536, maxSockets: 16, serverArgs: ["--metrics-flush", "10s", "--log-level", "error", "--max-connections", String(instances + 1000)] });
  try {
    const { ecs, name: cluster, agents } = bench;
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "app", image: "app:v1", cpu: 32, memory: 128 }] }));
    const t0 = performance.now();
    for (let i = 0; i < services; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, services - i) }, (_, j) =>
          ecs.send(new CreateServiceCommand({ cluster, serviceName: `svc-${i + j}`, taskDefinition: "app:1", desiredCount: Math.min(perService, tasks - (i + j) * perService) })),
        ),
      );
    }
    const running = () => agents.reduce((n, a) => n + a.runningTaskArns().length, 0);
    while (running() < tasks) await sleep(500);
    const placeSeconds = (performance.now() - t0) / 1000;
    await sleep(10_000); // the deployments settle (steady-state events, last reconciles)

    const pid = bench.serverPid!;
    const measure = async (seconds: number) => {
      const c0 = cpuSeconds(pid);
      await sleep(seconds * 1000);
      return (cpuSeconds(pid) - c0) / seconds;
    };
    const idle = await measure(windowSeconds);

    // Each instance reports every 20 s at its own offset: one timer walks the fleet in 100 ms slots.
    const slots = reportEveryMs / 100;
    let slot = 0;
    let sent = 0;
    const usage = () => ({ cpuUnits: Math.random() * 32, memoryMiB: 64 + Math.random() * 64 });
    const pump = setInterval(() => {
      for (let i = slot % slots; i < agents.length; i += slots) {
        agents[i]!.sendStats(usage);
        sent++;
      }
      slot++;
    }, 100);
    await sleep(reportEveryMs); // one full round before measuring
    const sentBefore = sent;
    const loaded = await measure(windowSeconds);
    const messages = (sent - sentBefore) / windowSeconds;
    clearInterval(pump);
    const cost = loaded - idle;
    return [
      `| ${instances} instances, ${tasks} tasks in ${services} services: placed and RUNNING | ${placeSeconds.toFixed(1)} s |  |`,
      `| server CPU without reports (heartbeats, controllers), ${windowSeconds} s window | ${(idle * 100).toFixed(1)} % of a core |  |`,
      `| server CPU with every instance reporting every 20 s (${messages.toFixed(0)} messages/s, ${(messages * tasksPerInstance).toFixed(0)} task samples/s) | ${(loaded * 100).toFixed(1)} % of a core |  |`,
      `| **cost of the metrics** (the difference) | **${(cost * 100).toFixed(1)} % of a core** | ≤ 10 % |`,
    ];
  } finally {
    await bench.stop();
  }
}

/** A CloudWatch client of one protocol, its HTTP handler timed. */
interface Caller {
  readonly protocol: Protocol;
  readonly cw: CloudWatchClient;
  readonly handler: TimingHandler;
}

/** The two protocols SDK v3 CloudWatch clients speak: AWS JSON 1.0 (this SDK's default) and RPC v2 CBOR (the SDKs of 2025). */
type Protocol = "JSON 1.0" | "RPC v2 CBOR";
const protocols: readonly Protocol[] = process.env.PROTOCOLS === "json" ? ["JSON 1.0"] : process.env.PROTOCOLS === "cbor" ? ["RPC v2 CBOR"] : ["JSON 1.0", "RPC v2 CBOR"];

/** A `berth server` of one build over one data dir, with a CloudWatch client per protocol. */
interface QueryServer {
  readonly name: string;
  readonly startMs: number;
  readonly callers: readonly Caller[];
  stop(): Promise<void>;
}

async function startQueryServer(name: string, main: string, dataDir: string, port: number): Promise<QueryServer> {
  const t = performance.now();
  const server = spawn(process.execPath, [...(process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean), main, "server", "--port", String(port), "--data-dir", dataDir, "--log-level", "error"], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    server.stdout.on("data", (c: Buffer) => c.toString().includes("berth server") && resolve());
    server.once("exit", (code) => reject(new Error(`berth server (${name}) exited with ${code}`)));
  });
  const startMs = performance.now() - t;
  const credentials = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
  const callers = protocols.map((protocol): Caller => {
    const handler = new TimingHandler();
    const cw = new CloudWatchClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials, maxAttempts: 1, requestHandler: handler, ...(protocol === "RPC v2 CBOR" && { protocol: AwsSmithyRpcV2CborProtocol }) });
    return { protocol, cw, handler };
  });
  return {
    name,
    startMs,
    callers,
    stop: async () => {
      for (const c of callers) c.cw.destroy();
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    },
  };
}

/**
 * GetMetricData over SERVICES services for a day. With BERTH_BEFORE (another build's
 * dist/src/cli/main.js) the day is seeded with that build's store, and a copy of it is opened by
 * this build (which migrates it: its start time is shown); both servers are then called in turn,
 * round after round, so load on the machine falls on both alike.
 */
async function query(): Promise<string[]> {
  const before = process.env.BERTH_BEFORE;
  const dirs = [mkdtempSync(join(tmpdir(), "berth-bench-metrics-")), ...(before ? [mkdtempSync(join(tmpdir(), "berth-bench-metrics-before-"))] : [])];
  const end = Math.floor(Date.now() / 300_000) * 300_000;
  const t0 = performance.now();
  // The seed goes through the store of the build whose data the servers start from.
  const Store = before ? ((await import(join(dirname(before), "../state/sqlite/sqlite-store.js"))) as { SqliteStore: typeof SqliteStore }).SqliteStore : SqliteStore;
  const store = new Store({ path: join(dirs.at(-1)!, "berth.db") });
  await seedServiceDay(store, services, end);
  await store.close();
  if (before) copyFileSync(join(dirs[1]!, "berth.db"), join(dirs[0]!, "berth.db"));
  const seedSeconds = (performance.now() - t0) / 1000;

  const servers: QueryServer[] = [];
  try {
    servers.push(await startQueryServer("this build", join(import.meta.dirname, "../src/cli/main.js"), dirs[0]!, await freePort()));
    if (before) servers.push(await startQueryServer("before", before, dirs[1]!, await freePort()));
    // One request of `count` metrics, its pages followed as a client does (GetMetricData pages at
    // 100,800 datapoints by default): the series put together, and how many calls it took.
    const call = async (cw: CloudWatchClient, from: number, count: number) => {
      const series = new Map<string, { Timestamps: number[]; Values: number[] }>();
      let calls = 0;
      let token: string | undefined;
      do {
        const out = await cw.send(new GetMetricDataCommand({ StartTime: new Date(end - dayMs), EndTime: new Date(end), MetricDataQueries: dayQueries(from, count), NextToken: token }));
        calls += 1;
        for (const r of out.MetricDataResults ?? []) {
          const s = series.get(r.Id!) ?? { Timestamps: [], Values: [] };
          series.set(r.Id!, s);
          for (const t of r.Timestamps ?? []) s.Timestamps.push(t.getTime());
          for (const v of r.Values ?? []) s.Values.push(v);
        }
        token = out.NextToken;
      } while (token !== undefined);
      const points = [...series.values()].reduce((n, s) => n + s.Values.length, 0);
      if (points !== count * 288) throw new Error(`expected ${count * 288} datapoints, got ${points}`);
      return { series, calls };
    };
    // Warm-up, and every build and protocol must give the same answer.
    const callers = servers.flatMap((s) => s.callers.map((c) => ({ ...c, server: s })));
    const answers = [];
    for (const c of callers) answers.push(JSON.stringify([...(await call(c.cw, 0, Math.min(500, services))).series]));
    if (new Set(answers).size > 1) throw new Error("the builds or protocols answer differently");
    const totals = callers.map(() => [] as number[]);
    const wires = callers.map(() => [] as number[]);
    const bytes = callers.map(() => 0);
    const calls = callers.map(() => 0);
    for (let round = 0; round < 7; round++) {
      for (const [k, c] of callers.entries()) {
        c.handler.reset();
        const t = performance.now();
        calls[k] = 0;
        for (let i = 0; i < services; i += 500) calls[k] += (await call(c.cw, i, Math.min(500, services - i))).calls;
        totals[k]!.push(performance.now() - t);
        wires[k]!.push(c.handler.ms);
        bytes[k] = c.handler.bytes;
      }
    }
    const rows = [`| a day of one-minute CPUUtilization of ${services} services seeded${before ? " (by the before build's store)" : ""} (${(services * 1440).toLocaleString("en")} rows) | ${seedSeconds.toFixed(1)} s |  |`];
    for (const s of servers) rows.push(`| server start over that store${before ? ` — ${s.name}` : ""}${s === servers[0] && before ? " (migrating it)" : ""} | ${(s.startMs / 1000).toFixed(1)} s |  |`);
    for (const [k, c] of callers.entries()) {
      const total = quantile(totals[k]!, 0.5);
      const wire = quantile(wires[k]!, 0.5);
      const who = ` — ${c.protocol}${before ? `, ${c.server.name}` : ""}`;
      rows.push(
        `| **GetMetricData over ${services} services for a day**${who} (${Math.ceil(services / 500)} requests of ≤ 500 metrics, 288 datapoints each, in ${calls[k]} pages of ≤ 100,800 datapoints; median of 7) | **${total.toFixed(0)} ms** (min ${Math.min(...totals[k]!).toFixed(0)}, max ${Math.max(...totals[k]!).toFixed(0)} ms) | ≤ 200 ms |`,
        `| of which request sent to last response byte received (server + wire; ${(bytes[k]! / 1e6).toFixed(1)} MB of responses), median${who} | ${wire.toFixed(0)} ms |  |`,
        `| of which in the SDK client (signing, serialising, parsing the answers): the rest${who} | ${(total - wire).toFixed(0)} ms |  |`,
      );
    }
    return rows;
  } finally {
    for (const s of servers) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * The SDK's HTTP handler, timed: from the request's send to its response body's last byte (the
 * server's work and the wire), the body then handed to the SDK's parser from memory, so what the
 * call takes beyond `ms` is the client's own.
 */
class TimingHandler extends NodeHttpHandler {
  ms = 0;
  bytes = 0;
  reset(): void {
    this.ms = 0;
    this.bytes = 0;
  }
  override async handle(...args: Parameters<NodeHttpHandler["handle"]>): ReturnType<NodeHttpHandler["handle"]> {
    const t = performance.now();
    const out = await super.handle(...args);
    const chunks: Buffer[] = [];
    for await (const c of out.response.body as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks);
    this.ms += performance.now() - t;
    this.bytes += body.length;
    return { response: Object.assign(out.response, { body: Readable.from([body]) }) };
  }
}

async function main(): Promise<void> {
  console.log(`## Metrics (${machineLine()})`);
  console.log("| figure | value | target |\n|---|---|---|");
  const parts = (process.env.PARTS ?? "query,ingest").split(",");
  for (const [name, part] of [["query", query], ["ingest", ingest]] as const) if (parts.includes(name)) for (const r of await part()) console.log(r);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
