/**
 * Summarises what support/loop-probe.ts printed during `npm run bench:lb`:
 *   SERVER_NODE_ARGS="--import $PWD/dist/bench/support/loop-probe.js" npm run -s bench:lb 2> probe.err
 *   node dist/bench/loop-probe-summary.js probe.err
 * For each fixed-rate phase and each probed process (the server, its listener workers; a
 * BERTH_BEFORE server is one more pid): the worst second's event-loop delay p99 and max, and the
 * phase's garbage collections (count, total ms, longest pause).
 */
import { readFileSync } from "node:fs";

interface Probe {
  readonly t: number;
  readonly pid: number;
  readonly role: string;
  readonly p99: number;
  readonly max: number;
  readonly gc: Record<string, { n: number; ms: number; max: number }>;
}
interface Phase {
  readonly phase: string;
  readonly rate: number;
  readonly t: number;
}

const probes: Probe[] = [];
const phases: Phase[] = [];
for (const line of readFileSync(process.argv[2] ?? "/dev/stdin", "utf8").split("\n")) {
  if (!line.startsWith("{")) continue;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    continue;
  }
  if (typeof o !== "object" || o === null) continue;
  if ("phase" in o) phases.push(o as unknown as Phase);
  else if ("probe" in o) probes.push(o as unknown as Probe); // our own probe's lines (support/loop-probe.ts)
}
console.log("| phase | process | seconds | worst p99 ms | worst max ms | GCs | GC ms | longest GC ms |");
console.log("|---|---|---|---|---|---|---|---|");
phases.forEach((p, i) => {
  const end = phases[i + 1]?.t ?? p.t + 15_000;
  const inPhase = probes.filter((q) => q.t > p.t && q.t <= end);
  for (const pid of [...new Set(inPhase.map((q) => q.pid))]) {
    const mine = inPhase.filter((q) => q.pid === pid);
    const gcs = mine.flatMap((q) => Object.values(q.gc));
    const sum = (f: (g: { n: number; ms: number; max: number }) => number) => gcs.reduce((a, g) => a + f(g), 0);
    const r = (n: number) => n.toFixed(1);
    console.log(`| ${p.phase} @ ${p.rate}/s | ${mine[0]!.role} ${pid} | ${mine.length} | ${r(Math.max(...mine.map((q) => q.p99)))} | ${r(Math.max(...mine.map((q) => q.max)))} | ${sum((g) => g.n)} | ${r(sum((g) => g.ms))} | ${r(Math.max(0, ...gcs.map((g) => g.max)))} |`);
  }
});
