import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand, paginateGetMetricData, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";
import { BerthServer } from "./support/berth-server.js";
import { awsAs, policyDoc, userWithPolicies } from "./support/iam-tools.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/** The three protocols CloudWatch clients speak: the CLI 2.9 (Query), this SDK (JSON 1.0), SDKs of 2025 (RPC v2 CBOR). */
const sdk = (server: BerthServer, cbor = false): CloudWatchClient =>
  new CloudWatchClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry, ...(cbor && { protocol: AwsSmithyRpcV2CborProtocol }) });

const json = (out: { code: number; stdout: string; stderr: string }): Record<string, unknown> => {
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout || "{}") as Record<string, unknown>;
};

describe("CloudWatch metrics: the AWS CLI (Query), the SDK (JSON 1.0) and an RPC v2 CBOR SDK read the same datapoints", () => {
  let server: BerthServer;
  // Two whole minutes, ten minutes ago: within the API's two weeks.
  const t0 = Math.floor(Date.now() / 600_000) * 600_000 - 600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  before(async () => {
    server = await BerthServer.start();
  });
  after(() => server.stop());

  it("PutMetricData from the CLI and the SDK lands in one minute each; both read the statistics", async () => {
    // Minute 0: 10 and 30 from the CLI (Query protocol), 20 from the SDK (JSON); minute 1: 5 ×3 from the CBOR SDK.
    const data = [
      { MetricName: "Latency", Dimensions: [{ Name: "Service", Value: "web" }], Value: 10, Unit: "Milliseconds", Timestamp: iso(t0 + 1000) },
      { MetricName: "Latency", Dimensions: [{ Name: "Service", Value: "web" }], Value: 30, Unit: "Milliseconds", Timestamp: iso(t0 + 2000) },
    ];
    json(await server.aws("cloudwatch", "put-metric-data", "--namespace", "App", "--metric-data", JSON.stringify(data)));
    await sdk(server).send(new PutMetricDataCommand({ Namespace: "App", MetricData: [{ MetricName: "Latency", Dimensions: [{ Name: "Service", Value: "web" }], Value: 20, Unit: "Milliseconds", Timestamp: new Date(t0 + 3000) }] }));
    await sdk(server, true).send(
      new PutMetricDataCommand({ Namespace: "App", MetricData: [{ MetricName: "Latency", Dimensions: [{ Name: "Service", Value: "web" }], Values: [5], Counts: [3], Unit: "Milliseconds", Timestamp: new Date(t0 + 61_000) }] }),
    );

    const want = [
      { t: t0, Average: 20, Sum: 60, SampleCount: 3, Minimum: 10, Maximum: 30 },
      { t: t0 + 60_000, Average: 5, Sum: 15, SampleCount: 3, Minimum: 5, Maximum: 5 },
    ];
    const cli = json(
      await server.aws("cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Latency", "--dimensions", "Name=Service,Value=web",
        "--start-time", iso(t0), "--end-time", iso(t0 + 600_000), "--period", "60", "--statistics", "Average", "Sum", "SampleCount", "Minimum", "Maximum"),
    );
    assert.equal(cli.Label, "Latency");
    const fromCli = (cli.Datapoints as Record<string, unknown>[])
      .map((d) => ({ t: Date.parse(String(d.Timestamp)), Average: d.Average, Sum: d.Sum, SampleCount: d.SampleCount, Minimum: d.Minimum, Maximum: d.Maximum, Unit: d.Unit }))
      .sort((a, b) => a.t - b.t);
    assert.deepEqual(fromCli, want.map((w) => ({ ...w, Unit: "Milliseconds" })));

    for (const client of [sdk(server), sdk(server, true)]) {
      const out = await client.send(
        new GetMetricStatisticsCommand({ Namespace: "App", MetricName: "Latency", Dimensions: [{ Name: "Service", Value: "web" }], StartTime: new Date(t0), EndTime: new Date(t0 + 600_000), Period: 60, Statistics: ["Average", "Sum", "SampleCount", "Minimum", "Maximum"] }),
      );
      const got = (out.Datapoints ?? []).map((d) => ({ t: d.Timestamp?.getTime(), Average: d.Average, Sum: d.Sum, SampleCount: d.SampleCount, Minimum: d.Minimum, Maximum: d.Maximum })).sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
      assert.deepEqual(got, want);
    }
  });

  it("GetMetricData answers metrics and metric math (SUM, AVG, arithmetic) alike to the CLI and both SDK protocols", async () => {
    const put = (service: string, value: number) =>
      sdk(server).send(new PutMetricDataCommand({ Namespace: "Shop", MetricData: [{ MetricName: "Orders", Dimensions: [{ Name: "Service", Value: service }], Value: value, Timestamp: new Date(t0 + 5000) }] }));
    await put("a", 4);
    await put("b", 6);
    const stat = (id: string, service: string) => ({ Id: id, MetricStat: { Metric: { Namespace: "Shop", MetricName: "Orders", Dimensions: [{ Name: "Service", Value: service }] }, Period: 300, Stat: "Sum" }, ReturnData: false });
    const queries = [stat("a", "a"), stat("b", "b"), { Id: "total", Expression: "SUM([a, b])" }, { Id: "mean", Expression: "AVG([a, b])" }, { Id: "ratio", Expression: "(a / b) * 100", Label: "a over b" }];
    const want = [
      { Id: "total", Label: "total", Timestamps: [t0], Values: [10] },
      { Id: "mean", Label: "mean", Timestamps: [t0], Values: [5] },
      { Id: "ratio", Label: "a over b", Timestamps: [t0], Values: [(4 / 6) * 100] },
    ];
    for (const client of [sdk(server), sdk(server, true)]) {
      const out = await client.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(t0), EndTime: new Date(t0 + 600_000) }));
      assert.deepEqual(
        (out.MetricDataResults ?? []).map((r) => ({ Id: r.Id, Label: r.Label, Timestamps: r.Timestamps?.map((t) => t.getTime()), Values: r.Values })),
        want,
      );
    }
    const cli = json(await server.aws("cloudwatch", "get-metric-data", "--metric-data-queries", JSON.stringify(queries), "--start-time", iso(t0), "--end-time", iso(t0 + 600_000)));
    assert.deepEqual(
      (cli.MetricDataResults as Record<string, unknown>[]).map((r) => ({ Id: r.Id, Label: r.Label, Timestamps: (r.Timestamps as string[]).map((t) => Date.parse(t)), Values: r.Values })),
      want,
    );
  });

  it("GetMetricData pages by MaxDatapoints, newest or oldest first, for both SDK protocols (their paginator) and the CLI (--page-size); labels take dynamic values", async () => {
    // Two series of four minutes each: 8 datapoints, in pages of 3.
    await sdk(server).send(new PutMetricDataCommand({
      Namespace: "Paged",
      MetricData: ["x", "y"].flatMap((service, s) => [0, 1, 2, 3].map((m) => ({ MetricName: "Hits", Dimensions: [{ Name: "Shard", Value: service }], Value: 10 * s + m, Timestamp: new Date(t0 + m * 60_000 + 1000) }))),
    }));
    const queries = ["x", "y"].map((service) => ({ Id: service, Label: "${PROP('Dim.Shard')} ${PROP('MetricName')}", MetricStat: { Metric: { Namespace: "Paged", MetricName: "Hits", Dimensions: [{ Name: "Shard", Value: service }] }, Period: 60, Stat: "Sum" } }));
    const range = { StartTime: new Date(t0), EndTime: new Date(t0 + 600_000) };
    const whole = { x: [3, 2, 1, 0], y: [13, 12, 11, 10] };
    const joined = (results: { Id?: string; Values?: number[] }[]) => ({ x: results.filter((r) => r.Id === "x").flatMap((r) => r.Values ?? []), y: results.filter((r) => r.Id === "y").flatMap((r) => r.Values ?? []) });
    for (const client of [sdk(server), sdk(server, true)]) {
      const pages = [];
      for await (const page of paginateGetMetricData({ client, pageSize: 3 }, { MetricDataQueries: queries, ...range })) pages.push(page);
      // Newest first across both series: page 1 holds minute 3 of x and y and minute 2 of x; page 3 the last two.
      assert.deepEqual(pages.map((p) => (p.MetricDataResults ?? []).map((r) => [r.Id, r.StatusCode, r.Values])), [
        [["x", "PartialData", [3, 2]], ["y", "PartialData", [13]]],
        [["x", "PartialData", [1]], ["y", "PartialData", [12, 11]]],
        [["x", "Complete", [0]], ["y", "Complete", [10]]],
      ]);
      assert.deepEqual(joined(pages.flatMap((p) => p.MetricDataResults ?? [])), whole);
      assert.deepEqual(pages[0]!.MetricDataResults?.map((r) => r.Label), ["x Hits", "y Hits"], "dynamic labels");
      const oldestFirst = [];
      for await (const page of paginateGetMetricData({ client, pageSize: 3 }, { MetricDataQueries: queries, ...range, ScanBy: "TimestampAscending" })) oldestFirst.push(page);
      assert.deepEqual(oldestFirst.map((p) => (p.MetricDataResults ?? []).map((r) => [r.Id, r.StatusCode, r.Values])), [
        [["x", "PartialData", [0, 1]], ["y", "PartialData", [10]]],
        [["x", "PartialData", [2]], ["y", "PartialData", [11, 12]]],
        [["x", "Complete", [3]], ["y", "Complete", [13]]],
      ]);
      const all = await client.send(new GetMetricDataCommand({ MetricDataQueries: queries, ...range }));
      assert.equal(all.NextToken, undefined, "within the default 100,800 datapoints: one page");
      await assert.rejects(
        client.send(new GetMetricDataCommand({ MetricDataQueries: queries.slice(0, 1), ...range, NextToken: pages[0]!.NextToken })),
        (e: Error) => e.name === "InvalidNextToken" && /same MetricDataQueries/.test(e.message),
      );
    }
    const cli = json(await server.aws("cloudwatch", "get-metric-data", "--metric-data-queries", JSON.stringify(queries), "--start-time", iso(t0), "--end-time", iso(t0 + 600_000), "--page-size", "3"));
    assert.equal((cli.MetricDataResults as unknown[]).length, 6, "the CLI puts the three pages' results together");
    assert.deepEqual(joined(cli.MetricDataResults as { Id: string; Values: number[] }[]), whole);
    assert.deepEqual([...new Set((cli.MetricDataResults as { Label: string }[]).map((r) => r.Label))], ["x Hits", "y Hits"]);
  });

  it("GetMetricData's SEARCH finds metrics by schema, designators and boolean terms, one result per series, as the CLI and both SDK protocols read it", async () => {
    // Three services of one cluster (one without data in the range) and a cluster-level metric the schema leaves out.
    const put = (dims: Record<string, string>, value: number | undefined) =>
      sdk(server).send(new PutMetricDataCommand({
        Namespace: "Fleet",
        MetricData: [{ MetricName: "Load", Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })), Value: value ?? 1, Timestamp: new Date(value === undefined ? t0 - 3_600_000 : t0 + 1000) }],
      }));
    await put({ Cluster: "blue", ServiceName: "web" }, 40);
    await put({ Cluster: "blue", ServiceName: "api" }, 60);
    await put({ Cluster: "blue", ServiceName: "idle" }, undefined);
    await put({ Cluster: "blue" }, 99);
    const range = { StartTime: new Date(t0), EndTime: new Date(t0 + 600_000) };
    const search = (id: string, expression: string, label?: string) => ({ Id: id, Expression: expression, ...(label !== undefined && { Label: label }) });
    const queries = [
      search("all", "SEARCH('{Fleet,Cluster,ServiceName} MetricName=\"Load\"', 'Average', 300)"),
      // Grafana's builder: REMOVE_EMPTY, quoted names, a designator over an OR of exact values, and its label of dimension values.
      search("grafana", "REMOVE_EMPTY(SEARCH('{\"Fleet\",\"Cluster\",\"ServiceName\"} MetricName=\"Load\" \"ServiceName\"=(\"web\" OR \"idle\")', 'Average', 300))", "${LABEL}|&|${PROP('Dim.ServiceName')}"),
      search("total", "SUM(SEARCH('Namespace=Fleet ServiceName=web OR ServiceName=api', 'Sum', 300))"),
      search("others", "REMOVE_EMPTY(SEARCH('{Fleet,Cluster,ServiceName} NOT web', 'Maximum', 300))", "peak"),
    ];
    const want = [
      { Id: "all", Label: "api", Values: [60] },
      { Id: "all", Label: "idle", Values: [] },
      { Id: "all", Label: "web", Values: [40] },
      { Id: "grafana", Label: "web|&|web", Values: [40] },
      { Id: "total", Label: "total", Values: [100] },
      { Id: "others", Label: "peak api", Values: [60] },
    ];
    const shape = (results: { Id?: string; Label?: string; Values?: number[] }[]) => results.map((r) => ({ Id: r.Id, Label: r.Label, Values: r.Values ?? [] }));
    for (const client of [sdk(server), sdk(server, true)]) {
      const out = await client.send(new GetMetricDataCommand({ MetricDataQueries: queries, ...range }));
      assert.deepEqual(shape(out.MetricDataResults ?? []), want);
      assert.deepEqual(out.MetricDataResults?.find((r) => r.Id === "grafana")?.Timestamps?.map((t) => t.getTime()), [t0]);
    }
    const cli = json(await server.aws("cloudwatch", "get-metric-data", "--metric-data-queries", JSON.stringify(queries), "--start-time", iso(t0), "--end-time", iso(t0 + 600_000)));
    assert.deepEqual(shape(cli.MetricDataResults as { Id: string; Label: string; Values: number[] }[]), want);

    // A SEARCH without a period takes its query's; with neither it is refused, as is a SEARCH in an alarm.
    const byQueryPeriod = await sdk(server).send(new GetMetricDataCommand({ MetricDataQueries: [{ ...search("p", "SEARCH('Namespace=Fleet web', 'Sum')"), Period: 300 }], ...range }));
    assert.deepEqual(shape(byQueryPeriod.MetricDataResults ?? []), [{ Id: "p", Label: "blue web Load", Values: [40] }], "a lone series is labelled by all its values");
    await assert.rejects(
      sdk(server, true).send(new GetMetricDataCommand({ MetricDataQueries: [search("p", "SEARCH('Namespace=Fleet', 'Sum')")], ...range })),
      (e: Error) => e.name === "InvalidParameterValueException" && /SEARCH needs a period/.test(e.message),
    );
    const many = Array.from({ length: 101 }, (_, i) => search(`s${i}`, `SEARCH('Namespace=Fleet term${i}', 'Sum', 300)`));
    await assert.rejects(
      sdk(server).send(new GetMetricDataCommand({ MetricDataQueries: many, ...range })),
      (e: Error) => e.name === "InvalidParameterValueException" && /at most 100 different SEARCH expressions/.test(e.message),
    );
    const alarm = await server.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "searching", "--evaluation-periods", "1", "--threshold", "1", "--comparison-operator", "GreaterThanThreshold",
      "--metrics", JSON.stringify([{ Id: "s", Expression: "SUM(SEARCH('Namespace=Fleet', 'Sum', 300))", ReturnData: true }, { Id: "m", MetricStat: { Metric: { Namespace: "Fleet", MetricName: "Load" }, Period: 300, Stat: "Sum" }, ReturnData: false }]));
    assert.notEqual(alarm.code, 0);
    assert.match(alarm.stderr, /InvalidParameterValue\b.*answered by GetMetricData only/);
  });

  it("GetMetricData answers Metrics Insights queries (SELECT … FROM … WHERE … GROUP BY … ORDER BY … LIMIT), a series per group, as the CLI and both SDK protocols read it", async () => {
    const put = (dims: Record<string, string>, value: number) =>
      sdk(server).send(new PutMetricDataCommand({ Namespace: "Edge", MetricData: [{ MetricName: "Requests", Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })), Value: value, Timestamp: new Date(t0 + 1000) }] }));
    await put({ Site: "s1", Zone: "a" }, 10);
    await put({ Site: "s1", Zone: "b" }, 20);
    await put({ Site: "s2", Zone: "a" }, 5);
    await put({ Site: "s1" }, 100);
    const range = { StartTime: new Date(t0), EndTime: new Date(t0 + 600_000) };
    const select = (Id: string, Expression: string, more: Record<string, unknown> = {}) => ({ Id, Expression, Period: 300, ...more });
    const queries = [
      select("bysite", 'SELECT SUM(Requests) FROM SCHEMA(Edge, Site, Zone) GROUP BY Site ORDER BY SUM() DESC'),
      select("mean", "SELECT AVG(Requests) FROM Edge WHERE Site = 's1'"),
      { Id: "total", Expression: "SUM(bysite)" },
      select("zones", "SELECT MAX(Requests) FROM SCHEMA(Edge, Site, Zone) WHERE Zone IN ('a', 'b') GROUP BY Zone ORDER BY MAX() DESC LIMIT 1", { Label: "zone ${PROP('Dim.Zone')}" }),
    ];
    const want = [
      { Id: "bysite", Label: "s1", Values: [30] },
      { Id: "bysite", Label: "s2", Values: [5] },
      { Id: "mean", Label: "mean", Values: [130 / 3] },
      { Id: "total", Label: "total", Values: [35] },
      { Id: "zones", Label: "zone b", Values: [20] },
    ];
    const shape = (results: { Id?: string; Label?: string; Values?: number[] }[]) => results.map((r) => ({ Id: r.Id, Label: r.Label, Values: r.Values ?? [] }));
    for (const client of [sdk(server), sdk(server, true)]) {
      const out = await client.send(new GetMetricDataCommand({ MetricDataQueries: queries, ...range }));
      assert.deepEqual(shape(out.MetricDataResults ?? []), want);
    }
    const cli = json(await server.aws("cloudwatch", "get-metric-data", "--metric-data-queries", JSON.stringify(queries), "--start-time", iso(t0), "--end-time", iso(t0 + 600_000)));
    assert.deepEqual(shape(cli.MetricDataResults as { Id: string; Label: string; Values: number[] }[]), want);
    await assert.rejects(
      sdk(server).send(new GetMetricDataCommand({ MetricDataQueries: [{ Id: "q", Expression: "SELECT SUM(Requests) FROM Edge" }], ...range })),
      (e: Error) => e.name === "InvalidParameterValueException" && /reads at its query's Period/.test(e.message),
    );
    await assert.rejects(
      sdk(server, true).send(new GetMetricDataCommand({ MetricDataQueries: [select("q", "SELECT SUM(Requests) FROM Edge WHERE Site LIKE 's%'")], ...range })),
      (e: Error) => e.name === "InvalidParameterValueException" && /Expected =, !=, IN or NOT IN after Site/.test(e.message),
    );
    const alarm = await server.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "insights", "--evaluation-periods", "1", "--threshold", "1", "--comparison-operator", "GreaterThanThreshold",
      "--metrics", JSON.stringify([{ Id: "q", Expression: "SELECT SUM(Requests) FROM Edge", Period: 300, ReturnData: true }, { Id: "m", MetricStat: { Metric: { Namespace: "Edge", MetricName: "Requests" }, Period: 300, Stat: "Sum" }, ReturnData: false }]));
    assert.match(alarm.stderr, /InvalidParameterValue\b.*Metrics Insights queries in GetMetricData only/);
  });

  it("percentiles (ExtendedStatistics, GetMetricData's pNN, an alarm's ExtendedStatistic) of values sent one by one, not of statistic sets", async () => {
    // Minute 0: 1 … 100 ms as Values (twice 50 of them); minute 1: one statistic set, whose values are unknown.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    await sdk(server).send(new PutMetricDataCommand({ Namespace: "App", MetricData: [0, 50].map((from) => ({ MetricName: "Wait", Values: values.slice(from, from + 50), Unit: "Milliseconds", Timestamp: new Date(t0 + 5000) })) }));
    await sdk(server).send(new PutMetricDataCommand({ Namespace: "App", MetricData: [{ MetricName: "Wait", StatisticValues: { SampleCount: 10, Sum: 100, Minimum: 1, Maximum: 30 }, Unit: "Milliseconds", Timestamp: new Date(t0 + 65_000) }] }));
    const near = (got: number | undefined, want: number) => got !== undefined && Math.abs(got - want) <= 0.01 * want;

    const cli = json(await server.aws("cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Wait", "--start-time", iso(t0), "--end-time", iso(t0 + 600_000),
      "--period", "60", "--extended-statistics", "p50", "p99", "p100"));
    const points = (cli.Datapoints as { Timestamp: string; ExtendedStatistics?: Record<string, number> }[]).sort((a, b) => Date.parse(a.Timestamp) - Date.parse(b.Timestamp));
    assert.equal(points.length, 2);
    const [p50, p99, p100] = ["p50", "p99", "p100"].map((k) => points[0]!.ExtendedStatistics?.[k]);
    assert.ok(near(p50, 50) && near(p99, 99) && p100 === 100, JSON.stringify(points[0]));
    assert.equal(points[1]!.ExtendedStatistics, undefined, "a statistic set has no percentiles");

    for (const client of [sdk(server), sdk(server, true)]) {
      const out = await client.send(new GetMetricDataCommand({
        MetricDataQueries: [{ Id: "tail", MetricStat: { Metric: { Namespace: "App", MetricName: "Wait" }, Period: 120, Stat: "p90" } }, { Id: "head", MetricStat: { Metric: { Namespace: "App", MetricName: "Wait" }, Period: 60, Stat: "p10" } }],
        StartTime: new Date(t0), EndTime: new Date(t0 + 600_000),
      }));
      const [tail, head] = out.MetricDataResults ?? [];
      assert.deepEqual(tail?.Values, [], "the two minutes' period holds the statistic set");
      assert.ok(near(head?.Values?.[0], 10) && head?.Values?.length === 1, JSON.stringify(head));
      await assert.rejects(
        client.send(new GetMetricStatisticsCommand({ Namespace: "App", MetricName: "Wait", StartTime: new Date(t0), EndTime: new Date(t0 + 60_000), Period: 60, ExtendedStatistics: ["tm99"] })),
        (e: Error) => e.name === "InvalidParameterValueException" && /Berth offers percentiles: p0 to p100/.test(e.message),
      );
    }

    json(await server.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "slow-tail", "--namespace", "App", "--metric-name", "Wait", "--extended-statistic", "p99",
      "--period", "60", "--evaluation-periods", "1", "--threshold", "500", "--comparison-operator", "GreaterThanThreshold", "--evaluate-low-sample-count-percentile", "ignore"));
    const alarm = ((json(await server.aws("cloudwatch", "describe-alarms", "--alarm-names", "slow-tail")).MetricAlarms as Record<string, unknown>[])[0]!);
    assert.deepEqual([alarm.ExtendedStatistic, alarm.Statistic, alarm.EvaluateLowSampleCountPercentile], ["p99", undefined, "ignore"]);
    const both = await server.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "x", "--namespace", "App", "--metric-name", "Wait", "--statistic", "Average", "--extended-statistic", "p99",
      "--period", "60", "--evaluation-periods", "1", "--threshold", "1", "--comparison-operator", "GreaterThanThreshold");
    assert.match(both.stderr, /InvalidParameterCombination\b.*Statistic or ExtendedStatistic, not both/);
    json(await server.aws("cloudwatch", "delete-alarms", "--alarm-names", "slow-tail"));
  });

  it("ListMetrics filters by namespace and dimensions for the CLI and the SDK", async () => {
    const cli = json(await server.aws("cloudwatch", "list-metrics", "--namespace", "Shop", "--dimensions", "Name=Service,Value=b"));
    assert.deepEqual(cli.Metrics, [{ Namespace: "Shop", MetricName: "Orders", Dimensions: [{ Name: "Service", Value: "b" }] }]);
    const all = await sdk(server, true).send(new ListMetricsCommand({ Dimensions: [{ Name: "Service" }] }));
    assert.deepEqual((all.Metrics ?? []).map((m) => `${m.Namespace}/${m.MetricName}/${m.Dimensions?.[0]?.Value}`).sort(), ["App/Latency/web", "Shop/Orders/a", "Shop/Orders/b"]);
  });

  it("authorizes IAM's cloudwatch:<Operation> actions (requests are signed for `monitoring`) on every protocol", async () => {
    const reader = await userWithPolicies(server, "metrics-reader", { read: policyDoc({ Effect: "Allow", Action: ["cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"], Resource: "*" }) });
    const listed = await awsAs(server, reader, "cloudwatch", "list-metrics", "--namespace", "Shop");
    assert.equal(listed.code, 0, listed.stderr);
    const put = await awsAs(server, reader, "cloudwatch", "put-metric-data", "--namespace", "Shop", "--metric-name", "Orders", "--value", "1");
    assert.match(put.stderr, /AccessDenied\b.*not authorized to perform: cloudwatch:PutMetricData/);
    for (const cbor of [false, true]) {
      const client = new CloudWatchClient({ endpoint: server.endpoint, region: "us-east-1", credentials: reader, ...testSdkRetry, ...(cbor && { protocol: AwsSmithyRpcV2CborProtocol }) });
      await client.send(new ListMetricsCommand({ Namespace: "Shop" }));
      await assert.rejects(client.send(new PutMetricDataCommand({ Namespace: "Shop", MetricData: [{ MetricName: "Orders", Value: 1 }] })), (e: Error) => /cloudwatch:PutMetricData/.test(e.message));
    }
  });

  it("refuses bad input in CloudWatch's words on every protocol, and stores nothing", async () => {
    const cliBad = await server.aws("cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Latency", "--start-time", iso(t0), "--end-time", iso(t0 + 600_000), "--period", "45", "--statistics", "Sum");
    assert.notEqual(cliBad.code, 0);
    assert.match(cliBad.stderr, /InvalidParameterValue\b.*Period.*multiple of 60/);
    const reserved = await server.aws("cloudwatch", "put-metric-data", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization", "--value", "1");
    assert.match(reserved.stderr, /InvalidParameterValue\b.*AWS\/ECS.*Namespace/);
    const huge = await server.aws("cloudwatch", "put-metric-data", "--namespace", "App", "--metric-name", "Huge", "--value", "1e300");
    assert.match(huge.stderr, /InvalidParameterValue\b.*MetricData.member.1.Value.*2\^360/);
    for (const client of [sdk(server), sdk(server, true)]) {
      await assert.rejects(
        client.send(new PutMetricDataCommand({ Namespace: "App", MetricData: [{ MetricName: "Latency", Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }] })),
        (e: Error) => e.name === "InvalidParameterCombinationException" && /exactly one of Value, StatisticValues or Values/.test(e.message),
      );
      await assert.rejects(
        client.send(new GetMetricDataCommand({ MetricDataQueries: [{ Id: "x", Expression: "SUM([y])" }], StartTime: new Date(t0), EndTime: new Date(t0 + 60_000) })),
        (e: Error) => e.name === "InvalidParameterValueException" && /names 'y'/.test(e.message),
      );
    }
    for (const namespace of ["AWS/ECS", "App"]) {
      const list = json(await server.aws("cloudwatch", "list-metrics", "--namespace", namespace, "--metric-name", namespace === "App" ? "Huge" : "CPUUtilization"));
      assert.deepEqual(list.Metrics, [], namespace);
    }
  });
});
