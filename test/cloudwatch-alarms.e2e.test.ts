import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, PutMetricDataCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";
import { BerthServer } from "./support/berth-server.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

describe("CloudWatch alarms: evaluation (periods, datapoints to alarm, missing data), state changes and history", () => {
  let server: BerthServer;
  let cw: CloudWatchClient;
  let cbor: CloudWatchClient;
  before(async () => {
    server = await BerthServer.start(undefined, ["--alarm-interval", "300ms"]);
    const base = { endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry };
    cw = new CloudWatchClient(base);
    cbor = new CloudWatchClient({ ...base, protocol: AwsSmithyRpcV2CborProtocol });
  });
  after(() => server.stop());

  const state = async (name: string) => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];
  const ok = (out: { code: number; stderr: string; stdout: string }) => {
    assert.equal(out.code, 0, out.stderr);
    return out.stdout ? (JSON.parse(out.stdout) as Record<string, unknown>) : {};
  };

  it("2 of 3 one-minute periods above the threshold raise the alarm; SetAlarmState holds until the next evaluation", async () => {
    ok(await server.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "deep-queue", "--namespace", "App", "--metric-name", "QueueDepth", "--dimensions", "Name=Queue,Value=jobs",
      "--statistic", "Average", "--period", "60", "--evaluation-periods", "3", "--datapoints-to-alarm", "2", "--threshold", "50",
      "--comparison-operator", "GreaterThanThreshold", "--treat-missing-data", "notBreaching", "--alarm-actions", "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:x"));
    // No data, treated as not breaching: OK.
    await until("the alarm OK without data", async () => ((await state("deep-queue"))?.StateValue === "OK") || undefined, { timeoutMs: 10_000 });

    // 80 in each of the last four minutes: whichever three complete minutes the evaluation sees, two or more breach.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await cw.send(new PutMetricDataCommand({ Namespace: "App", MetricData: [1, 2, 3, 4].map((i) => ({ MetricName: "QueueDepth", Dimensions: [{ Name: "Queue", Value: "jobs" }], Value: 80, Timestamp: new Date(minute - i * 60_000 + 1000) })) }));
    const alarm = await until("the alarm in ALARM", async () => {
      const a = await state("deep-queue");
      return a?.StateValue === "ALARM" ? a : undefined;
    }, { timeoutMs: 10_000 });
    assert.match(alarm.StateReason ?? "", /^Threshold Crossed: 3 out of the last 3 datapoints \[80\.0 .*\] were greater than the threshold \(50\.0\) \(minimum 2 datapoints for OK -> ALARM transition\)\.$/);
    assert.match(alarm.AlarmArn ?? "", /^arn:aws:cloudwatch:us-east-1:\d{12}:alarm:deep-queue$/);
    assert.deepEqual([alarm.EvaluationPeriods, alarm.DatapointsToAlarm, alarm.TreatMissingData, alarm.AlarmActions], [3, 2, "notBreaching", ["arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:x"]]);

    // The CLI (Query) sees the same; the history (RPC v2 CBOR) has the creation and both transitions, newest first.
    const described = ok(await server.aws("cloudwatch", "describe-alarms", "--alarm-name-prefix", "deep", "--state-value", "ALARM")) as { MetricAlarms: { AlarmName: string; StateValue: string }[] };
    assert.deepEqual(described.MetricAlarms.map((a) => [a.AlarmName, a.StateValue]), [["deep-queue", "ALARM"]]);
    const history = (await cbor.send(new DescribeAlarmHistoryCommand({ AlarmName: "deep-queue" }))).AlarmHistoryItems ?? [];
    assert.deepEqual(history.map((h) => [h.HistoryItemType, h.HistorySummary]), [
      ["StateUpdate", "Alarm updated from OK to ALARM"],
      ["StateUpdate", "Alarm updated from INSUFFICIENT_DATA to OK"],
      ["ConfigurationUpdate", 'Alarm "deep-queue" created'],
    ]);
    assert.equal((JSON.parse(history[0]?.HistoryData ?? "{}") as { newState?: { stateValue?: string } }).newState?.stateValue, "ALARM");

    // SetAlarmState: OK until the next evaluation puts it back.
    await cw.send(new SetAlarmStateCommand({ AlarmName: "deep-queue", StateValue: "OK", StateReason: "testing the alarm's actions" }));
    await until("the evaluation raising it again", async () => {
      const h = (await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: "deep-queue", HistoryItemType: "StateUpdate", MaxRecords: 2 }))).AlarmHistoryItems ?? [];
      return h[0]?.HistorySummary === "Alarm updated from OK to ALARM" && h[1]?.HistorySummary === "Alarm updated from ALARM to OK" ? h : undefined;
    }, { timeoutMs: 10_000 });
    assert.equal((await state("deep-queue"))?.StateValue, "ALARM");

    const forMetric = ok(await server.aws("cloudwatch", "describe-alarms-for-metric", "--namespace", "App", "--metric-name", "QueueDepth", "--dimensions", "Name=Queue,Value=jobs")) as { MetricAlarms: { AlarmName: string }[] };
    assert.deepEqual(forMetric.MetricAlarms.map((a) => a.AlarmName), ["deep-queue"]);
    const otherStat = ok(await server.aws("cloudwatch", "describe-alarms-for-metric", "--namespace", "App", "--metric-name", "QueueDepth", "--dimensions", "Name=Queue,Value=jobs", "--statistic", "Maximum")) as { MetricAlarms: unknown[] };
    assert.deepEqual(otherStat.MetricAlarms, []);
  });

  it("a metric math alarm watches its returned expression: backlog per worker, queue depth over workers", async () => {
    const stat = (id: string, metric: string) => ({ Id: id, MetricStat: { Metric: { Namespace: "Jobs", MetricName: metric, Dimensions: [{ Name: "Queue", Value: "q" }] }, Period: 60, Stat: "Average" }, ReturnData: false });
    const metrics = [stat("depth", "Depth"), stat("workers", "Workers"), { Id: "perworker", Expression: "depth / workers", Label: "backlog per worker", ReturnData: true }];
    const put = (queries: object[], ...more: string[]) => server.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "backlog", "--metrics", JSON.stringify(queries),
      "--evaluation-periods", "1", "--threshold", "20", "--comparison-operator", "GreaterThanThreshold", ...more);
    for (const [queries, more, message] of [
      [metrics, ["--namespace", "Jobs"], /InvalidParameterCombination\b.*leave out Namespace/],
      [metrics.map((q) => ({ ...q, ReturnData: true })), [], /InvalidParameterValue\b.*Exactly one of the alarm's queries must have ReturnData true/],
      [[stat("depth", "Depth"), { ...stat("workers", "Workers"), MetricStat: { ...stat("workers", "Workers").MetricStat, Period: 120 } }, metrics[2]!], [], /InvalidParameterValue\b.*same period: workers's is 120 s, depth's 60 s/],
      [[stat("depth", "Depth"), { Id: "perworker", Expression: "depth / nobody", ReturnData: true }], [], /InvalidParameterValue\b.*names 'nobody'/],
    ] as const) {
      const refused = await put([...queries], ...more);
      assert.match(refused.stderr, message);
    }
    assert.equal(await state("backlog"), undefined, "nothing saved");

    ok(await put(metrics));
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const data = (name: string, value: number) => [1, 2].map((i) => ({ MetricName: name, Dimensions: [{ Name: "Queue", Value: "q" }], Value: value, Timestamp: new Date(minute - i * 60_000 + 1000) }));
    await cw.send(new PutMetricDataCommand({ Namespace: "Jobs", MetricData: [...data("Depth", 100), ...data("Workers", 4)] }));
    const alarm = await until("the backlog alarm in ALARM", async () => {
      const a = await state("backlog");
      return a?.StateValue === "ALARM" ? a : undefined;
    }, { timeoutMs: 10_000 });
    assert.match(alarm.StateReason ?? "", /^Threshold Crossed: 1 out of the last 1 datapoints \[25\.0 .*\] was greater than the threshold \(20\.0\)/);
    assert.deepEqual([alarm.MetricName, alarm.Period, alarm.Metrics?.map((m) => [m.Id, m.Expression ?? m.MetricStat?.Metric?.MetricName, m.ReturnData])], [
      undefined, undefined, [["depth", "Depth", false], ["workers", "Workers", false], ["perworker", "depth / workers", true]],
    ]);
    // The CLI (Query) and the CBOR client read the queries back as they were put.
    const cli = ok(await server.aws("cloudwatch", "describe-alarms", "--alarm-names", "backlog")) as { MetricAlarms: { Metrics: { Id: string; Label?: string; MetricStat?: { Period: number; Stat: string } }[] }[] };
    assert.deepEqual(cli.MetricAlarms[0]?.Metrics.map((m) => [m.Id, m.Label, m.MetricStat?.Period, m.MetricStat?.Stat]), [["depth", "Depth", 60, "Average"], ["workers", "Workers", 60, "Average"], ["perworker", "backlog per worker", undefined, undefined]]);
    const viaCbor = (await cbor.send(new DescribeAlarmsCommand({ AlarmNames: ["backlog"] }))).MetricAlarms?.[0];
    assert.deepEqual(viaCbor?.Metrics?.map((m) => m.Id), ["depth", "workers", "perworker"]);
    ok(await server.aws("cloudwatch", "delete-alarms", "--alarm-names", "backlog"));
  });

  it("refuses bad alarms and unknown names in CloudWatch's words, changing nothing", async () => {
    const bad = await server.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "bad", "--namespace", "App", "--metric-name", "M", "--statistic", "Average", "--period", "60",
      "--evaluation-periods", "2", "--datapoints-to-alarm", "3", "--threshold", "1", "--comparison-operator", "GreaterThanThreshold");
    assert.match(bad.stderr, /InvalidParameterValue\b.*DatapointsToAlarm.*not be greater than EvaluationPeriods/);
    const unknown = await server.aws("cloudwatch", "delete-alarms", "--alarm-names", "deep-queue", "no-such-alarm");
    assert.match(unknown.stderr, /ResourceNotFound\b.*no-such-alarm/);
    assert.equal((await state("deep-queue"))?.AlarmName, "deep-queue", "nothing was deleted");
    await assert.rejects(cw.send(new SetAlarmStateCommand({ AlarmName: "deep-queue", StateValue: "OK", StateReason: "x", StateReasonData: "{not json" })), (e: Error) => e.name === "InvalidFormatFault");
    await assert.rejects(cbor.send(new SetAlarmStateCommand({ AlarmName: "nope", StateValue: "OK", StateReason: "x" })), (e: Error) => e.name === "ResourceNotFound");
    ok(await server.aws("cloudwatch", "delete-alarms", "--alarm-names", "deep-queue"));
    assert.equal(await state("deep-queue"), undefined);
  });
});
