/**
 * GetMetricData's server side in process, free of the client's share and of the wire: the handler
 * (store read, fold, AWS JSON written) over a real SQLite store seeded with a day of one-minute
 * CPUUtilization of 1,000 services, 500 metrics a request at period 5 minutes (144,000 datapoints,
 * two pages at the default MaxDatapoints, the second following the first's NextToken).
 * With BERTH_BEFORE (another build's dist/src/cli/main.js, as the other benchmarks take it) that build's store and handler run over a copy
 * of the same data in the same process, called in turn with this one; both must answer the same
 * text. `node dist/bench/metrics-query-inprocess.js`; ROUNDS sizes it.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { getMetricData as GetMetricData } from "../src/api/cloudwatch/get-metric-data.js";
import type { SqliteStore as Store } from "../src/state/sqlite/sqlite-store.js";
import { machineLine, quantile } from "./support/bench-cluster.js";
import { dayMs, dayQueries, seedServiceDay } from "./support/metric-day.js";

const services = 1000;
const rounds = Number(process.env.ROUNDS ?? 60);

interface Build {
  readonly name: string;
  readonly store: Store;
  readonly handle: (p: Record<string, unknown>) => Promise<string>;
  readonly ms: number[];
  pages: number;
}

async function open(name: string, dist: string, path: string): Promise<Build> {
  const { SqliteStore } = (await import(join(dist, "src/state/sqlite/sqlite-store.js"))) as { SqliteStore: typeof Store };
  const { getMetricData } = (await import(join(dist, "src/api/cloudwatch/get-metric-data.js"))) as { getMetricData: typeof GetMetricData };
  const store = new SqliteStore({ path });
  const op = getMetricData({ store, retentionMs: 15 * dayMs });
  // GetMetricData reads only the request's partition (dynamic labels) of its context.
  return { name, store, handle: (p) => op.handleJson!(p, { partition: { region: "us-east-1", accountId: "000000000000" } } as never), ms: [], pages: 0 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-query-"));
  const end = Math.floor(Date.now() / 300_000) * 300_000;
  const builds: Build[] = [];
  try {
    const seed = await open("this build", join(import.meta.dirname, ".."), join(dir, "seed.db"));
    await seedServiceDay(seed.store, services, end);
    await seed.store.close();
    const dists = [["this build", join(import.meta.dirname, "..")], ...(process.env.BERTH_BEFORE ? [["before", join(dirname(process.env.BERTH_BEFORE), "../..")]] : [])];
    for (const [k, [name, dist]] of dists.entries()) {
      copyFileSync(join(dir, "seed.db"), join(dir, `${k}.db`));
      builds.push(await open(name!, dist!, join(dir, `${k}.db`)));
    }
    const params = (from: number, token: string | undefined) => ({
      StartTime: (end - dayMs) / 1000,
      EndTime: end / 1000,
      MetricDataQueries: dayQueries(from, 500),
      ...(token !== undefined && { NextToken: token }),
    });
    // One request's pages, followed as a client does (100,800 datapoints a page by default): 144,000 datapoints take two.
    const pages = async (b: Build, from: number): Promise<string[]> => {
      const texts: string[] = [];
      let token: string | undefined;
      do {
        const text = await b.handle(params(from, token));
        texts.push(text);
        token = /"NextToken":"([^"]+)"/.exec(text)?.[1];
      } while (token !== undefined);
      return texts;
    };
    for (let r = 0; r < rounds + 2; r++) {
      const answers: string[] = [];
      for (const b of builds) {
        const t = performance.now();
        const texts = await pages(b, (r % 2) * 500);
        if (r >= 2) b.ms.push(performance.now() - t); // the first two rounds warm up
        b.pages = texts.length;
        answers.push(texts.map((x) => x.replace(/,"NextToken":"[^"]+"/, "")).join("\n"));
      }
      if (answers.some((x) => x !== answers[0])) throw new Error("the builds answer differently");
    }
    console.log(`## GetMetricData's server side in process (${machineLine()})`);
    console.log("| build | one request: 500 metrics × 288 datapoints, every page, median | pages | p10 | p90 |\n|---|---|---|---|---|");
    for (const b of builds) console.log(`| ${b.name} | **${quantile(b.ms, 0.5).toFixed(1)} ms** | ${b.pages} | ${quantile(b.ms, 0.1).toFixed(1)} ms | ${quantile(b.ms, 0.9).toFixed(1)} ms |`);
  } finally {
    for (const b of builds) await b.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
