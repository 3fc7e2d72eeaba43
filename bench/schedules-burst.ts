/**
 * Scheduled rules benchmark (run after `npx tsc -p .` as `node dist/bench/schedules-burst.js`).
 *
 * In process, on a real SQLite store file and the real planner: `--rules N` (10,000) rate(1 minute)
 * rules, each with one ECS target of TaskCount 1, all due at the same minute, onto `--instances N`
 * (100) container instances recorded as connected (no agents: placement and the store are what is
 * measured). Reports how long the runner takes to start every due run (acceptance: within the
 * minute), then the CPU the runner spends over `--idle-seconds` (10) of 1 s ticks with every rule
 * idle (acceptance: ≤ 1 % of a core).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { ScheduleRunner } from "../src/controller/schedules/runner.js";
import { nextDue } from "../src/domain/schedules/rule-schedule.js";
import { PlacementIndex } from "../src/planner/placement-index.js";
import { Planner } from "../src/planner/planner.js";
import { SqliteStore } from "../src/state/sqlite/sqlite-store.js";
import { aCluster, aContainerInstance, aTaskDefinition } from "../src/state/store-builders.js";

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? undefined : Number(process.argv[at + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
};
const rules = arg("rules", 10_000);
const instances = arg("instances", 100);
const idleSeconds = arg("idle-seconds", 10);

const t0 = Date.parse("2026-11-29T05:00:00Z");
const dir = mkdtempSync(join(tmpdir(), "berth-bench-schedules-"));
const store = new SqliteStore({ path: join(dir, "berth.db") });
const clock = { now: t0 };
try {
  await store.write(async (tx) => {
    await tx.clusters.put(aCluster("c"));
    await tx.taskDefinitions.put(aTaskDefinition("app", 1, "ACTIVE"));
    for (let i = 0; i < instances; i++) {
      await tx.containerInstances.put(aContainerInstance("c", `i${i}`, { registered: { cpu: 1_000_000, memory: 64 * Math.ceil(rules / instances) + 1024, reservedTcp: [], reservedUdp: [] } }));
    }
    for (let i = 0; i < rules; i++) {
      const rule = {
        name: `rule-${i}`,
        arn: `arn:aws:events:us-east-1:000000000000:rule/rule-${i}`,
        version: 1,
        state: "ENABLED" as const,
        scheduleExpression: "rate(1 minute)",
        createdBy: "000000000000",
        targets: [{ target: { Id: "t", Arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", EcsParameters: { TaskDefinitionArn: "app:1" } } }],
        anchorMs: t0,
        invocations: [],
      };
      await tx.eventRules.put({ ...rule, nextFireMs: nextDue(rule, t0) });
    }
  });
  const index = new PlacementIndex(store, (err) => {
    throw err;
  });
  const runner = new ScheduleRunner({ store, planner: new Planner(index, Math.random), partition: { region: "us-east-1", accountId: "000000000000" }, logger: pino({ level: "silent" }), now: () => clock.now, tickMs: 3_600_000, firstRunAfterMs: 3_600_000 });

  clock.now = t0 + 60_000;
  const started = performance.now();
  const tasks = await runner.runDue();
  const burstMs = performance.now() - started;
  console.log(`burst: ${rules} rules due in one minute started ${tasks} tasks in ${(burstMs / 1000).toFixed(1)} s (${((tasks / burstMs) * 1000).toFixed(0)} tasks/s)`);
  await runner.stop();

  // Idle: every rule next due a minute later; a runner ticking each second finds none due.
  const idle = new ScheduleRunner({ store, planner: new Planner(index, Math.random), partition: { region: "us-east-1", accountId: "000000000000" }, logger: pino({ level: "silent" }), now: () => clock.now, tickMs: 1000, firstRunAfterMs: 0 });
  const cpu = process.cpuUsage();
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const used = process.cpuUsage(cpu);
  await idle.stop();
  const share = (used.user + used.system) / 1000 / (idleSeconds * 1000);
  console.log(`idle: ${rules} rules, ${idleSeconds} s of 1 s ticks: ${(share * 100).toFixed(3)} % of a core (process total, including Node's own timers)`);
  index.close();
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
