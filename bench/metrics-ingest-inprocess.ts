/**
 * The metrics ingest path in process, free of the noise of a shared machine: what 5,000 instances
 * of 20 tasks reporting every 20 s (250 `stats` messages a second) cost the server — parsing each
 * message as the hub does and recording its tasks — plus the collector's tick every 10 s over
 * 100,000 tasks (AWS/ECS metrics computed and written to a real SQLite store).
 * `node dist/bench/metrics-ingest-inprocess.js`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { agentMessage, parseFrame } from "../src/agent-protocol/messages.js";
import { MetricsCollector } from "../src/metrics/collector.js";
import { SqliteStore } from "../src/state/sqlite/sqlite-store.js";
import { aContainerInstance, aTask } from "../src/state/store-builders.js";
import { machineLine } from "./support/bench-cluster.js";

const instances = 5000;
const tasksPerInstance = 20;
const services = 1000;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-ingest-"));
  const store = new SqliteStore({ path: join(dir, "berth.db") });
  let now = Date.now();
  const collector = new MetricsCollector({ store, now: () => now, logger: pino({ level: "silent" }), tickMs: 10_000, staleAfterMs: 60_000, retentionMs: 15 * 86_400_000 });
  const messages: { instance: string; text: string }[] = [];
  for (let i = 0; i < instances; i++) {
    const inst = aContainerInstance("bench", `i${i}`, { registered: { cpu: 16_384, memory: 65_536, reservedTcp: [], reservedUdp: [] } });
    collector.book.instance(inst);
    const tasks = [];
    for (let j = 0; j < tasksPerInstance; j++) {
      const t = { ...aTask(`t${i}-${j}`, { cluster: "bench", containerInstanceArn: inst.arn }), serviceName: `svc-${(i * tasksPerInstance + j) % services}`, reservation: { cpu: 32, memory: 128, tcpPorts: [], udpPorts: [] } };
      collector.book.task(t);
      tasks.push({ taskArn: t.arn, cpuUnits: 10 + j, memoryMiB: 64 + j });
    }
    messages.push({ instance: inst.arn, text: JSON.stringify({ type: "stats", tasks }) });
  }
  // One second of reports (250 messages), parsed and recorded as the hub and collector do; 20 rounds.
  const perSecond = instances / 20;
  const t0 = performance.now();
  for (let round = 0; round < 20; round++) {
    for (let k = 0; k < perSecond; k++) {
      const m = messages[(round * perSecond + k) % instances]!;
      const msg = parseFrame(agentMessage, m.text);
      if (msg.type === "stats") collector.record(m.instance, msg.tasks);
    }
  }
  const recordMsPerSecond = (performance.now() - t0) / 20;
  const ticks: number[] = [];
  for (let i = 0; i < 6; i++) {
    now += 10_000;
    const t = performance.now();
    await collector.tick();
    ticks.push(performance.now() - t);
  }
  const tickMs = ticks.sort((a, b) => a - b)[3]!;
  const share = (recordMsPerSecond + tickMs / 10) / 10; // ms per second → % of a core
  console.log(`## Metrics ingest in process (${machineLine()})`);
  console.log("| figure | value |\n|---|---|");
  console.log(`| one second of reports: ${perSecond} messages, ${perSecond * tasksPerInstance} task samples, parsed and recorded | ${recordMsPerSecond.toFixed(1)} ms |`);
  console.log(`| one tick over ${instances * tasksPerInstance} tasks (${collector.latest.length} metric values computed and written), median | ${tickMs.toFixed(1)} ms |`);
  console.log(`| **the ingest's share of one core** (reports every second + a tick every 10 s) | **${share.toFixed(1)} %** |`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
