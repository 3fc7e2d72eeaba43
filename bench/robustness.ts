/**
 * Issue 9 at scale: the robustness suite's generators (test/robustness.e2e.test.ts) against one real
 * `berth server` process: signed malformed requests across every ECS, ECR, SSM Parameter Store and
 * Secrets Manager operation, raw HTTP garbage, malformed frames on live agent sessions. Reports answers by status, 5xx (must be 0),
 * accepted writes, the server's RSS, throughput, another client's latency meanwhile, and whether the
 * state a client sees is unchanged.
 *
 * npm run bench:robustness   (API_REQUESTS=100000, HTTP_ROUNDS=30, FRAME_ROUNDS=10, SEED=9, CONCURRENCY=16;
 * KNOWN_GAPS=1 also sends out-of-range values to the members listed in `knownGaps`)
 */
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { ListClustersCommand } from "@aws-sdk/client-ecs";
import { apiOperations, emptyReport, sampleBadRequests, sendBadRequests, wrongTypePerMember } from "../test/support/bad-api-requests.js";
import { BerthServer } from "../test/support/berth-server.js";
import { malformedFrameCases } from "../test/support/malformed-frames.js";
import { RawAgentSession } from "../test/support/raw-agent-session.js";
import { rawHttpCases, rawHttpExchange } from "../test/support/raw-http.js";
import { seedState } from "../test/support/robust-state.js";
import { snapshotState } from "../test/support/state-snapshot.js";
import { machineLine, quantile } from "./support/bench-cluster.js";

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const apiRequests = env("API_REQUESTS", 100_000);
const httpRounds = env("HTTP_ROUNDS", 30);
const frameRounds = env("FRAME_ROUNDS", 10);
const seed = env("SEED", 9);
const concurrency = env("CONCURRENCY", 16);
const includeKnownGaps = process.env.KNOWN_GAPS === "1";

/** The server's resident set and its peak, from /proc, in MiB. */
function memory(pid: number | undefined): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb("VmRSS") / 1024), peak: Math.round(kb("VmHWM") / 1024) };
}

const server = await BerthServer.start();
const ecs = server.ecs();
const seeded = await seedState(server.endpoint, server.accessKey, ecs);
const before = await snapshotState(server.endpoint, server.accessKey);
const memBefore = memory(server.pid);
console.log(`${machineLine()}; server pid ${server.pid}, RSS ${memBefore.rss} MiB after seeding`);

// Another client, all along: its ListClusters latency while the garbage flows.
const probe = { latencies: [] as number[], failures: 0, stop: false };
const probing = (async () => {
  while (!probe.stop) {
    const t0 = performance.now();
    try {
      await ecs.send(new ListClustersCommand({}));
      probe.latencies.push(performance.now() - t0);
    } catch {
      probe.failures++;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
})();

const ops = apiOperations();
const phases: { phase: string; count: number; seconds: number }[] = [];
const timed = async (phase: string, run: () => Promise<number>) => {
  const t0 = performance.now();
  const count = await run();
  const seconds = (performance.now() - t0) / 1000;
  phases.push({ phase, count, seconds });
  console.log(`${phase}: ${count} in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s)`);
};

const api = emptyReport();
await timed("signed malformed API requests", async () => {
  await sendBadRequests(server.endpoint, server.accessKey, ops.flatMap(wrongTypePerMember), concurrency, api);
  // Generated in batches: a batch holds strings of up to 1.1 MB, so not all at once.
  const perBatch = 20;
  for (let batch = 0; api.sent < apiRequests; batch++) {
    const requests = sampleBadRequests(ops, seed + batch * ops.length, perBatch, { includeKnownGaps }).slice(0, apiRequests - api.sent);
    await sendBadRequests(server.endpoint, server.accessKey, requests, concurrency, api);
  }
  return api.sent;
});

const http = { statuses: new Map<string, number>(), problems: [] as string[] };
const port = Number(new URL(server.endpoint).port);
await timed("raw HTTP garbage connections", async () => {
  let count = 0;
  const cases = rawHttpCases("127.0.0.1");
  for (let round = 0; round < httpRounds; round++) {
    await Promise.all(
      cases.map(async (c) => {
        const outcome = await rawHttpExchange(port, c, async () => {
          await ecs.send(new ListClustersCommand({}));
        }).catch((e: unknown) => {
          http.problems.push(String(e));
          return { statuses: [], closedByServer: false };
        });
        count++;
        const key = outcome.statuses.length ? outcome.statuses.join("+") : outcome.closedByServer ? "closed" : c.expect;
        http.statuses.set(key, (http.statuses.get(key) ?? 0) + 1);
        if (outcome.statuses.some((s) => s >= 500)) http.problems.push(`${c.name}: ${outcome.statuses.join(",")}`);
        if (c.expect === "refused" && !outcome.closedByServer && !outcome.statuses.some((s) => s >= 400)) http.problems.push(`${c.name}: not refused`);
      }),
    );
  }
  return count;
});

const frames = { codes: new Map<string, number>(), problems: [] as string[] };
await timed("malformed-frame agent sessions", async () => {
  let count = 0;
  for (let round = 0; round < frameRounds; round++) {
    for (const c of malformedFrameCases) {
      const session = await RawAgentSession.open(server.endpoint, server.accessKey, seeded.targetInstanceArn);
      session.send({ type: "hello", protocolVersion: 1, tasks: [] });
      await session.next((m) => m.type === "manifest");
      for (const bytes of c.bytes) session.write(bytes);
      if (c.expect === "drop") session.destroy();
      const end = await session.ended;
      count++;
      const key = String(end.closeCode ?? "dropped");
      frames.codes.set(key, (frames.codes.get(key) ?? 0) + 1);
      if (c.expect !== "drop" && end.closeCode !== c.expect) frames.problems.push(`${c.name}: ${JSON.stringify(end)}, expected ${c.expect}`);
    }
  }
  return count;
});

probe.stop = true;
await probing;
const alive = server.running;
const memAfter = memory(server.pid);
const after = await snapshotState(server.endpoint, server.accessKey);
const unchanged = isDeepStrictEqual(before, after);
const fivexx = [...api.byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
const total = phases.reduce((n, p) => n + p.count, 0);
const seconds = phases.reduce((n, p) => n + p.seconds, 0);

console.log(`\n## Robustness (${machineLine()})\n`);
console.log(`| figure | value |\n|---|---|`);
console.log(`| requests, connections and sessions in all | ${total} in ${seconds.toFixed(1)} s |`);
for (const p of phases) console.log(`| ${p.phase} | ${p.count} in ${p.seconds.toFixed(1)} s, ${Math.round(p.count / p.seconds)}/s |`);
console.log(`| API answers by status | ${[...api.byStatus].sort().map(([s, n]) => `${s}: ${n}`).join(", ")} |`);
console.log(`| API error types | ${[...api.byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(", ")} |`);
console.log(`| API 5xx | ${fivexx} |`);
console.log(`| API answers judged wrong (5xx, accepted writes, untyped errors) | ${api.problems.length} |`);
console.log(`| raw HTTP outcomes (status lines, or closed) | ${[...http.statuses].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s}: ${n}`).join(", ")} |`);
console.log(`| agent sessions by close code | ${[...frames.codes].sort().map(([s, n]) => `${s}: ${n}`).join(", ")} |`);
console.log(`| another client's ListClusters meanwhile | ${probe.latencies.length} calls, p50 ${quantile(probe.latencies, 0.5).toFixed(1)} ms, p99 ${quantile(probe.latencies, 0.99).toFixed(1)} ms, max ${Math.max(...probe.latencies).toFixed(1)} ms, ${probe.failures} failed |`);
console.log(`| server RSS before → after (peak) | ${memBefore.rss} → ${memAfter.rss} MiB (${memAfter.peak} MiB) |`);
console.log(`| server process alive at the end | ${alive ? "yes" : "NO"} |`);
console.log(`| state unchanged (clusters, task definitions, services, tasks, instances, attributes, repositories) | ${unchanged ? "yes" : "NO"} |`);

const problems = [...api.problems, ...http.problems, ...frames.problems];
if (problems.length > 0) {
  // One line per operation, defect and place, with its first example.
  const groups = new Map<string, { n: number; example: string }>();
  for (const p of problems) {
    const key = p.replace(/: .*/s, "");
    const g = groups.get(key) ?? { n: 0, example: p };
    g.n++;
    groups.set(key, g);
  }
  console.log(`\n${problems.length} problems in ${groups.size} groups:`);
  for (const [key, g] of groups) console.log(`- ${g.n} × ${key}\n    ${g.example.slice(0, 600)}`);
}
if (!unchanged) console.log(`\nstate before:\n${JSON.stringify(before)}\nstate after:\n${JSON.stringify(after)}`);

seeded.stop();
ecs.destroy();
await server.stop();
process.exitCode = fivexx === 0 && problems.length === 0 && unchanged && alive ? 0 : 1;
