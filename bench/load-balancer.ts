/**
 * Load balancer data plane: requests/s and latency through a Berth listener to 4 targets, against
 * calling a target directly and against HAProxy from Debian with the same 4 targets, in one run.
 * `npm run bench:lb` (needs /usr/sbin/haproxy: `apt-get install haproxy`).
 *
 * - Throughput: autocannon, 64 keep-alive connections, DURATION seconds (default 10) each.
 * - Latency: an open-loop client (support/fixed-rate.ts) at half of HAProxy's requests/s (or RATE)
 *   and at half of Berth's, for all three; "added" latency is through a proxy minus direct.
 * The targets are one separate Node process (4 ports); the generator runs in this process; Berth's
 * listener is a real `berth server` configured through the ELBv2 API; HAProxy runs its Debian
 * defaults (threads = cores) with keep-alive to the targets.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthServer } from "../test/support/berth-server.js";
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DescribeTargetHealthCommand, RegisterTargetsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { elbv2Client } from "../test/support/elbv2-cli.js";
import { machineLine } from "./support/bench-cluster.js";
import { fixedRate, type RateFigures } from "./support/fixed-rate.js";

const durationS = Number(process.env.DURATION ?? 10);
const connections = 64;

interface Figures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function load(port: number): Promise<Figures> {
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration: durationS });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

function startTargets(): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, "support/lb-targets.js")], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (d: Buffer) => resolve({ child, ports: JSON.parse(d.toString()) as number[] }));
    child.once("exit", (code) => reject(new Error(`targets exited with ${code}`)));
  });
}

async function startHaproxy(port: number, targets: readonly number[], dir: string): Promise<ChildProcess> {
  const cfg = join(dir, "haproxy.cfg");
  writeFileSync(
    cfg,
    [
      "global",
      "  maxconn 4000",
      "defaults",
      "  mode http",
      "  option http-keep-alive",
      "  http-reuse always",
      "  timeout connect 5s",
      "  timeout client 60s",
      "  timeout server 60s",
      "frontend web",
      `  bind 127.0.0.1:${port}`,
      "  default_backend targets",
      "backend targets",
      "  balance roundrobin",
      ...targets.map((p, i) => `  server t${i} 127.0.0.1:${p}`),
      "",
    ].join("\n"),
  );
  const child = spawn("/usr/sbin/haproxy", ["-db", "-f", cfg], { stdio: ["ignore", "inherit", "inherit"] });
  // A missing HAProxy is an error of the run, so that main's finally stops the servers and targets.
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.on("error", (e) => reject(new Error(`HAProxy could not start (apt-get install haproxy): ${e.message}`)));
  });
  await new Promise((r) => setTimeout(r, 500)); // HAProxy prints nothing when ready in -db mode; it binds within milliseconds
  return child;
}

/** A listener to the 4 targets made through the ELBv2 API; resolves once all 4 are healthy. */
async function listener(server: BerthServer, ports: readonly number[], berthPort: number): Promise<void> {
  const elb = elbv2Client(server);
  const lbArn = (await elb.send(new CreateLoadBalancerCommand({ Name: "bench" }))).LoadBalancers![0]!.LoadBalancerArn!;
  const tg = await elb.send(new CreateTargetGroupCommand({ Name: "bench", Protocol: "HTTP", Port: 80, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2 }));
  const tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: ports.map((Port) => ({ Id: "127.0.0.1", Port })) }));
  await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: "HTTP", Port: berthPort, DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }] }));
  for (;;) {
    const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    const states = TargetHealthDescriptions.map((d) => d.TargetHealth?.State);
    if (states.length === 4 && states.every((s) => s === "healthy")) break;
    await new Promise((r) => setTimeout(r, 500)); // waiting on health checks (5 s interval): no event to wait on from outside
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "berth-lb-bench-"));
  const targets = await startTargets();
  // SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/x" profiles the server (as in the other server benchmarks).
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  // SERVER_ARGS="--lb-workers 1": more flags for this build's server (not BERTH_BEFORE's).
  const serverArgs = (process.env.SERVER_ARGS ?? "").split(" ").filter(Boolean);
  const server = await BerthServer.start(undefined, serverArgs, { nodeArgs });
  // BERTH_BEFORE=<a build's dist/src/cli/main.js>: that build's listener measured in the same run, as "before".
  const before = process.env.BERTH_BEFORE === undefined ? undefined : await BerthServer.start(undefined, [], { nodeArgs, bin: process.env.BERTH_BEFORE });
  const [berthPort, haproxyPort, beforePort] = [await freeBlock(1), await freeBlock(1), await freeBlock(1)];
  let haproxy: ChildProcess | undefined;
  try {
    await listener(server, targets.ports, berthPort);
    if (before) await listener(before, targets.ports, beforePort);
    haproxy = await startHaproxy(haproxyPort, targets.ports, dir);

    await load(berthPort); // warm-up: JIT, keep-alive pools
    if (before) await load(beforePort);
    const direct = await load(targets.ports[0]!);
    const berth = await load(berthPort);
    const berthBefore = before && (await load(beforePort));
    const ha = await load(haproxyPort);
    const rows: [string, RateFigures][] = [];
    // The brief's load (half of HAProxy's requests/s, or RATE), and half of Berth's own maximum.
    const rates = [...new Set([Math.round(Number(process.env.RATE ?? ha.rps / 2)), Math.round(berth.rps / 2)])];
    // Each phase's start on stderr, to line up with a loop probe's lines (support/loop-probe.ts).
    const phase = async (name: string, port: number, rate: number): Promise<void> => {
      process.stderr.write(`${JSON.stringify({ phase: name, rate, t: Date.now() })}\n`);
      rows.push([`${name} @ ${rate}/s`, await fixedRate(port, rate, durationS)]);
    };
    for (const rate of rates) {
      await phase("direct", targets.ports[0]!, rate);
      await phase("Berth", berthPort, rate);
      if (before) await phase("Berth before", beforePort, rate);
      await phase("HAProxy", haproxyPort, rate);
    }

    const f = (n: number) => n.toFixed(2);
    console.log(`machine: ${machineLine()}; ${connections} keep-alive connections, ${durationS} s per figure; server flags: ${serverArgs.join(" ") || "(defaults)"}`);
    console.log("| path | requests/s | p50 ms | p99 ms | errors | non-2xx |");
    console.log("|---|---|---|---|---|---|");
    const throughput: [string, Figures][] = [["direct (one target)", direct], ["Berth listener → 4 targets", berth], ...(berthBefore ? [["Berth before → 4 targets", berthBefore] as [string, Figures]] : []), ["HAProxy 2.6 → 4 targets", ha]];
    for (const [name, x] of throughput) {
      console.log(`| ${name} | ${Math.round(x.rps)} | ${f(x.p50)} | ${f(x.p99)} | ${x.errors} | ${x.non2xx} |`);
    }
    console.log("\nFixed rates, open loop, latency by process.hrtime; added = through the proxy minus direct at the same rate:");
    console.log("| path | sent | errors | p50 ms | p99 ms | added p50 ms | added p99 ms |");
    console.log("|---|---|---|---|---|---|---|");
    const g = (n: number) => n.toFixed(3);
    for (let i = 0; i < rows.length; i++) {
      const [name, x] = rows[i]!;
      const base = rows[i - (i % (before ? 4 : 3))]![1];
      console.log(`| ${name} | ${x.sent} | ${x.errors} | ${g(x.p50)} | ${g(x.p99)} | ${g(x.p50 - base.p50)} | ${g(x.p99 - base.p99)} |`);
    }
    console.log(`\nBerth / HAProxy requests/s: ${(berth.rps / ha.rps).toFixed(2)}${berthBefore ? `; before: ${(berthBefore.rps / ha.rps).toFixed(2)}` : ""}`);
  } finally {
    haproxy?.kill("SIGTERM");
    targets.child.kill("SIGTERM");
    await server.stop();
    await before?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
