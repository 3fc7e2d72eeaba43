/**
 * The store's cost, in one run: the placement end-to-end and services benchmarks on SQLite, on
 * PostgreSQL with one replica, and on PostgreSQL with three replicas, one after the other on the same
 * machine (each a process of its own, with a fresh server and store). `npm run bench:stores`; the
 * sizes are those of each benchmark (INSTANCES, TASKS, CONCURRENCY, HEALTHY_AFTER), smaller by
 * default here: 1,000 instances, 20,000 tasks placed and a service of 2,000 with a 0 s health rule.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const stores = [
  { STORE: "sqlite" },
  { STORE: "postgres", REPLICAS: "1" },
  { STORE: "postgres", REPLICAS: "3" },
] as const;
const benchmarks = [
  { script: "placement-e2e.js", env: { INSTANCES: process.env.INSTANCES ?? "1000", TASKS: process.env.TASKS ?? "20000" } },
  { script: "services-scale.js", env: { INSTANCES: process.env.INSTANCES ?? "1000", TASKS: process.env.SERVICE_TASKS ?? "2000", HEALTHY_AFTER: process.env.HEALTHY_AFTER ?? "0s" } },
] as const;

for (const { script, env } of benchmarks) {
  for (const store of stores) {
    const run = spawnSync(process.execPath, [join(import.meta.dirname, script)], { env: { ...process.env, ...env, ...store }, stdio: "inherit" });
    if (run.status !== 0) throw new Error(`${script} with ${JSON.stringify(store)} failed (${run.status ?? run.signal})`);
  }
}
