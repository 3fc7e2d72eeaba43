/**
 * CloudWatch Logs: `npm run bench:logs`.
 *
 * 1. Ingest: one container of the awslogs driver prints LINES (default 1,000,000) numbered lines as
 *    fast as it can (`seq`); the figure is lines/s from the container's start until the last line is
 *    in the store (the stream's storedBytes, polled every 100 ms), through the real agent, Docker's
 *    json-file and PutLogEvents into the server on the same machine. Against it, in the same run,
 *    the same container under Docker's own json-file driver alone (start to exit).
 * 2. FilterLogEvents over EVENTS (default 1,000,000) events in one group of 10 streams, put through
 *    the API in batches of 10,000: the latency of a whole search (every page) for a rare term, a
 *    JSON pattern, a space-delimited pattern, and the first 100 events of no pattern; median of 3.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DescribeLogStreamsCommand, FilterLogEventsCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { BerthCluster } from "../test/support/berth-cluster.js";
import { aContainer, aTaskDefinition, testImage } from "../test/support/fixtures.js";
import { machineLine } from "./support/bench-cluster.js";

const run = promisify(execFile);
const lines = Number(process.env.LINES ?? 1_000_000);
const events = Number(process.env.EVENTS ?? 1_000_000);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Bytes of "1\n".."N\n" without the newlines, as storedBytes counts messages. */
const seqBytes = (n: number): number => {
  let total = 0;
  for (let digits = 1, from = 1; from <= n; digits++, from *= 10) total += digits * (Math.min(n, from * 10 - 1) - from + 1);
  return total;
};

async function dockerJsonFile(): Promise<number> {
  const name = `bench-jsonfile-${process.pid}`;
  try {
    await run("docker", ["run", "-d", "--name", name, "--log-driver", "json-file", testImage, "seq", "1", String(lines)]);
    await run("docker", ["wait", name]);
    const { stdout } = await run("docker", ["inspect", "-f", "{{.State.StartedAt}} {{.State.FinishedAt}}", name]);
    const [start, end] = stdout.trim().split(" ").map((t) => Date.parse(t));
    return lines / (((end ?? 0) - (start ?? 0)) / 1000);
  } finally {
    await run("docker", ["rm", "-f", name]);
  }
}

async function ingest(cluster: BerthCluster, logs: CloudWatchLogsClient): Promise<{ rate: number; seconds: number }> {
  const group = "/bench/ingest";
  const td = await cluster.register(
    aTaskDefinition("bench-lines", [
      aContainer({
        name: "web",
        command: ["sh", "-c", `seq 1 ${lines}; sleep 1000`],
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "bench", "awslogs-create-group": "true" } },
      }),
    ]),
  );
  const arn = (await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }))).tasks![0]!.taskArn!;
  const stream = `bench/web/${arn.slice(arn.lastIndexOf("/") + 1)}`;
  const expected = seqBytes(lines);
  let done = 0;
  for (;;) {
    const s = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: stream })).catch(() => undefined);
    if ((s?.logStreams?.[0]?.storedBytes ?? 0) >= expected) {
      done = Date.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const task = (await cluster.describeTasks([arn]))[0]!;
  const { stdout } = await run("docker", ["inspect", "-f", "{{.State.StartedAt}}", task.containers![0]!.runtimeId!]);
  const seconds = (done - Date.parse(stdout.trim())) / 1000;
  await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
  return { rate: lines / seconds, seconds };
}

async function fill(logs: CloudWatchLogsClient): Promise<number> {
  const group = "/bench/filter";
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  const streams = 10;
  const perStream = Math.ceil(events / streams);
  const t0 = performance.now();
  const base = Date.now() - 3_600_000;
  for (let s = 0; s < streams; s++) {
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: `s${s}` }));
    for (let from = 0; from < perStream; from += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, perStream - from) }, (_, k) => {
        const i = s * perStream + from + k;
        const message =
          i % 1000 === 7 ? `ERROR request ${i} failed` : i % 2 === 0 ? JSON.stringify({ level: "info", latency: i % 1000, i }) : `GET /item/${i} ${i % 500 === 1 ? 503 : 200} ${i % 4096}`;
        return { timestamp: base + Math.floor(((from + k) / perStream) * 3_000_000), message };
      });
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: `s${s}`, logEvents: batch }));
    }
  }
  return (performance.now() - t0) / 1000;
}

async function search(logs: CloudWatchLogsClient, filterPattern: string, limit?: number): Promise<{ ms: number; found: number }> {
  const times: number[] = [];
  let found = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    let token: string | undefined;
    found = 0;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: "/bench/filter", filterPattern, nextToken: token, limit }));
      found += page.events?.length ?? 0;
      token = limit === undefined ? page.nextToken : undefined;
    } while (token !== undefined);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), found };
}

const cluster = await BerthCluster.start({ name: "bench-logs" });
const logs = new CloudWatchLogsClient({ endpoint: cluster.server.endpoint, region: "us-east-1", credentials: cluster.server.accessKey, maxAttempts: 1 });
try {
  console.log(`# ${machineLine()}`);
  const jsonFile = await dockerJsonFile();
  const shipped = await ingest(cluster, logs);
  console.log(`ingest: ${lines} lines in ${shipped.seconds.toFixed(2)} s = ${Math.round(shipped.rate)} lines/s through the agent into the store`);
  console.log(`docker json-file alone, same lines: ${Math.round(jsonFile)} lines/s`);
  const fillSeconds = await fill(logs);
  console.log(`filter: ${events} events put in ${fillSeconds.toFixed(1)} s (${Math.round(events / fillSeconds)} events/s through PutLogEvents)`);
  for (const [label, pattern, limit] of [
    ["rare term ERROR (0.1 %)", "ERROR", undefined],
    ["JSON { $.latency > 990 }", "{ $.latency > 990 }", undefined],
    ["space-delimited [m, p, status=5*, size]", "[m, p, status=5*, size]", undefined],
    ["no pattern, first 100", "", 100],
  ] as const) {
    const r = await search(logs, pattern, limit);
    console.log(`FilterLogEvents ${label}: ${r.ms.toFixed(0)} ms, ${r.found} events`);
  }
} finally {
  logs.destroy();
  await cluster.stop();
}
