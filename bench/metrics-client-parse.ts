/**
 * The SDK's share of GetMetricData (issue 13, acceptance 4): the AWS SDK v3 CloudWatch client
 * against a canned HTTP answer of METRICS metrics × 288 datapoints (what Berth answers for a day
 * at period 5 minutes), so the figure is the client's own work (signing, serialising the request,
 * parsing the answer) plus a loopback socket, with no server work at all. `node
 * dist/bench/metrics-client-parse.js`; METRICS (500 a call) and CALLS (2) size it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { quantile } from "./support/bench-cluster.js";

const metrics = Number(process.env.METRICS ?? 500);
const calls = Number(process.env.CALLS ?? 2);
const end = Math.floor(Date.now() / 300_000) * 300_000;

const results = Array.from({ length: metrics }, (_, s) => {
  const times: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < 288; k++) {
    const t = end - 300_000 * (k + 1);
    times.push(t / 1000);
    // The average of the five minutes metrics-scale.ts seeds (whole numbers), or with FRACTIONS=1 a
    // third added to each (17 digits, as most real averages print).
    let sum = 0;
    for (let m = 0; m < 5; m++) sum += 20 + ((s * 7 + t / 60_000 + m) % 60);
    values.push(sum / 5 + (process.env.FRACTIONS === "1" ? 1 / 3 : 0));
  }
  return { Id: `m${s}`, Label: "CPUUtilization", Timestamps: times, Values: values, StatusCode: "Complete" };
});
const body = JSON.stringify({ MetricDataResults: results, Messages: [] });

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "canned" }).end(body));
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const cw = new CloudWatchClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" }, maxAttempts: 1 });
const call = async () => {
  const out = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(end - 86_400_000),
      EndTime: new Date(end),
      MetricDataQueries: Array.from({ length: metrics }, (_, k) => ({ Id: `m${k}`, MetricStat: { Metric: { Namespace: "AWS/ECS", MetricName: "CPUUtilization", Dimensions: [{ Name: "ClusterName", Value: "bench" }, { Name: "ServiceName", Value: `svc-${k}` }] }, Period: 300, Stat: "Average" } })),
    }),
  );
  if (out.MetricDataResults?.[0]?.Timestamps?.[0]?.getTime() !== end - 300_000) throw new Error("unexpected answer");
};
for (let i = 0; i < 3; i++) await call();
const totals: number[] = [];
for (let round = 0; round < 15; round++) {
  const t = performance.now();
  for (let c = 0; c < calls; c++) await call();
  totals.push(performance.now() - t);
}
cw.destroy();
server.close();
console.log(`| the SDK v3 CloudWatch client alone: ${calls} GetMetricData calls answered from memory (${metrics} metrics × 288 datapoints, ${(body.length / 1e6).toFixed(1)} MB each), median of 15 | ${quantile(totals, 0.5).toFixed(0)} ms (min ${Math.min(...totals).toFixed(0)}) |  |`);
