import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const json = (out: { code: number; stdout: string; stderr: string }): Record<string, unknown> => {
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout || "{}") as Record<string, unknown>;
};

describe("CloudWatch Logs API (SDK v3 and the AWS CLI against berth server)", () => {
  let server: BerthServer;
  let logs: CloudWatchLogsClient;
  const t0 = Date.now() - 60_000;

  before(async () => {
    server = await BerthServer.start();
    logs = new CloudWatchLogsClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/ecs/app", tags: { team: "web" } }));
    // Three streams, written interleaved in time.
    const lines: Record<string, string[]> = {
      "web/a": ['{"level":"error","latency":250}', "ERROR disk full on /var", "GET /index.html 200 512"],
      "web/b": ['{"level":"info","latency":20}', "WARN slow request took 900ms", "GET /big.iso 200 90000"],
      "web/c": ['{"level":"error","latency":50}', "ERROR timeout talking to db", "POST /login 503 2048"],
    };
    for (const [stream, messages] of Object.entries(lines)) {
      await logs.send(new CreateLogStreamCommand({ logGroupName: "/ecs/app", logStreamName: stream }));
      const offset = { "web/a": 0, "web/b": 1, "web/c": 2 }[stream] ?? 0;
      await logs.send(new PutLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: stream, logEvents: messages.map((message, i) => ({ timestamp: t0 + i * 10 + offset, message })) }));
    }
  });
  after(async () => {
    logs?.destroy();
    await server?.stop();
  });

  it("FilterLogEvents: a term, a phrase, an exclusion, alternatives, a JSON and a space-delimited pattern over three streams, interleaved by time", async () => {
    const filter = async (filterPattern: string) =>
      ((await logs.send(new FilterLogEventsCommand({ logGroupName: "/ecs/app", filterPattern, interleaved: true }))).events ?? []).map((e) => `${e.logStreamName}: ${e.message}`);
    assert.deepEqual(await filter("ERROR"), ["web/a: ERROR disk full on /var", "web/c: ERROR timeout talking to db"]);
    assert.deepEqual(await filter('"disk full"'), ["web/a: ERROR disk full on /var"]);
    assert.deepEqual(await filter("ERROR -db"), ["web/a: ERROR disk full on /var"]);
    assert.deepEqual(await filter("?WARN ?timeout"), ["web/b: WARN slow request took 900ms", "web/c: ERROR timeout talking to db"]);
    assert.deepEqual(await filter('{ $.level = "error" }'), ['web/a: {"level":"error","latency":250}', 'web/c: {"level":"error","latency":50}']);
    assert.deepEqual(await filter("{ $.latency > 100 }"), ['web/a: {"level":"error","latency":250}']);
    assert.deepEqual(await filter("[method, path, status=5*, size]"), ["web/c: POST /login 503 2048"]);
    assert.deepEqual(await filter("[method, path, status=2*, size>1000]"), ["web/b: GET /big.iso 200 90000"]);
    const all = (await logs.send(new FilterLogEventsCommand({ logGroupName: "/ecs/app", logStreamNames: ["web/a", "web/c"] }))).events ?? [];
    assert.deepEqual(all.map((e) => e.logStreamName), ["web/a", "web/c", "web/a", "web/c", "web/a", "web/c"], "oldest first across the streams named");
    assert.ok(all.every((e) => /^\d{56}$/.test(e.eventId ?? "")));
    const prefixed = (await logs.send(new FilterLogEventsCommand({ logGroupName: "/ecs/app", logStreamNamePrefix: "web/b", filterPattern: "GET" }))).events ?? [];
    assert.deepEqual(prefixed.map((e) => e.message), ["GET /big.iso 200 90000"]);
    const bad = await refusal(logs.send(new FilterLogEventsCommand({ logGroupName: "/ecs/app", filterPattern: "{ $.level = }" })));
    assert.equal(bad.name, "InvalidParameterException");
    assert.match(bad.message, /Invalid filter pattern/);
  });

  it("FilterLogEvents pages with nextToken, and the CLI's filter-log-events follows them", async () => {
    const first = await logs.send(new FilterLogEventsCommand({ logGroupName: "/ecs/app", limit: 4 }));
    assert.equal(first.events?.length, 4);
    const second = await logs.send(new FilterLogEventsCommand({ logGroupName: "/ecs/app", limit: 4, nextToken: first.nextToken }));
    assert.equal(second.events?.length, 4);
    const third = await logs.send(new FilterLogEventsCommand({ logGroupName: "/ecs/app", limit: 4, nextToken: second.nextToken }));
    assert.equal(third.events?.length, 1);
    assert.equal(third.nextToken, undefined);
    const out = json(await server.aws("logs", "filter-log-events", "--log-group-name", "/ecs/app", "--filter-pattern", "GET", "--page-size", "1"));
    assert.deepEqual((out.events as { message: string }[]).map((e) => e.message), ["GET /index.html 200 512", "GET /big.iso 200 90000"]);
  });

  it("GetLogEvents: newest first page by default, from the head on request, f/ and b/ tokens, and the forward token repeats at the end", async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/ecs/app", logStreamName: "numbers" }));
    await logs.send(new PutLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", logEvents: Array.from({ length: 10 }, (_, i) => ({ timestamp: t0 + i, message: `line ${i + 1}` })) }));
    const msgs = (r: { events?: { message?: string }[] }) => (r.events ?? []).map((e) => e.message);

    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", limit: 3 }));
    assert.deepEqual(msgs(tail), ["line 8", "line 9", "line 10"]);
    assert.match(tail.nextForwardToken ?? "", /^f\/\d{56}$/);
    assert.match(tail.nextBackwardToken ?? "", /^b\/\d{56}$/);
    const back = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", limit: 3, nextToken: tail.nextBackwardToken }));
    assert.deepEqual(msgs(back), ["line 5", "line 6", "line 7"]);

    const head = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", limit: 4, startFromHead: true }));
    assert.deepEqual(msgs(head), ["line 1", "line 2", "line 3", "line 4"]);
    const on = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", limit: 10, nextToken: head.nextForwardToken }));
    assert.deepEqual(msgs(on), ["line 5", "line 6", "line 7", "line 8", "line 9", "line 10"]);
    const end = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", nextToken: on.nextForwardToken }));
    assert.deepEqual(msgs(end), []);
    assert.equal(end.nextForwardToken, on.nextForwardToken, "at the end the forward token repeats");
    const start = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", nextToken: head.nextBackwardToken }));
    assert.deepEqual(msgs(start), []);
    assert.equal(start.nextBackwardToken, head.nextBackwardToken, "at the start the backward token repeats");

    await logs.send(new PutLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", logEvents: [{ timestamp: t0 + 100, message: "line 11" }] }));
    const more = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", nextToken: end.nextForwardToken }));
    assert.deepEqual(msgs(more), ["line 11"], "a follower picks up what was written after the end");

    const window = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "numbers", startTime: new Date(t0 + 2).getTime(), endTime: t0 + 5, startFromHead: true }));
    assert.deepEqual(msgs(window), ["line 3", "line 4", "line 5"], "startTime inclusive, endTime exclusive");

    const cli = json(await server.aws("logs", "get-log-events", "--log-group-name", "/ecs/app", "--log-stream-name", "numbers", "--start-from-head"));
    assert.deepEqual((cli.events as { message: string }[]).map((e) => e.message), Array.from({ length: 11 }, (_, i) => `line ${i + 1}`));
  });

  it("PutLogEvents: refuses batches out of order and reports events too old or too new", async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/ecs/app", logStreamName: "edges" }));
    const now = Date.now();
    const unordered = await refusal(logs.send(new PutLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "edges", logEvents: [{ timestamp: now, message: "b" }, { timestamp: now - 1, message: "a" }] })));
    assert.equal(unordered.name, "InvalidParameterException");
    assert.match(unordered.message, /chronological order/);
    const r = await logs.send(new PutLogEventsCommand({
      logGroupName: "/ecs/app",
      logStreamName: "edges",
      logEvents: [{ timestamp: now - 15 * 86_400_000 + 3_600_000, message: "too old" }, { timestamp: now - 14 * 86_400_000 + 3_600_000, message: "kept" }],
    }));
    assert.deepEqual(r.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1 });
    const n = await logs.send(new PutLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "edges", logEvents: [{ timestamp: now, message: "now" }, { timestamp: now + 3 * 3_600_000, message: "too new" }] }));
    assert.deepEqual(n.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
    const kept = await logs.send(new GetLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "edges", startFromHead: true }));
    assert.deepEqual(kept.events?.map((e) => e.message), ["kept", "now"]);
    const missing = await refusal(logs.send(new PutLogEventsCommand({ logGroupName: "/ecs/app", logStreamName: "nope", logEvents: [{ timestamp: now, message: "x" }] })));
    assert.equal(missing.name, "ResourceNotFoundException");
    assert.equal(missing.message, "The specified log stream does not exist.");
  });

  it("groups and streams: describe with prefix, pattern, order and pages; retention; tags; conflicts; delete", async () => {
    for (const name of ["/svc/one", "/svc/two", "/other/three"]) await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    const dup = await refusal(logs.send(new CreateLogGroupCommand({ logGroupName: "/svc/one" })));
    assert.equal(dup.name, "ResourceAlreadyExistsException");
    const byPrefix = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/svc/" }));
    assert.deepEqual(byPrefix.logGroups?.map((g) => g.logGroupName), ["/svc/one", "/svc/two"]);
    assert.match(byPrefix.logGroups?.[0]?.arn ?? "", /^arn:aws:logs:us-east-1:\d{12}:log-group:\/svc\/one:\*$/);
    const byPattern = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: "THREE" }));
    assert.deepEqual(byPattern.logGroups?.map((g) => g.logGroupName), ["/other/three"]);
    const page1 = await logs.send(new DescribeLogGroupsCommand({ limit: 2 }));
    const page2 = await logs.send(new DescribeLogGroupsCommand({ limit: 2, nextToken: page1.nextToken }));
    assert.equal((page1.logGroups?.length ?? 0) + (page2.logGroups?.length ?? 0), 4);
    const cliGroups = json(await server.aws("logs", "describe-log-groups", "--page-size", "1"));
    assert.equal((cliGroups.logGroups as unknown[]).length, 4, "the CLI pages through every group");

    await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/svc/one", retentionInDays: 1 }));
    const retained = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/svc/one" }));
    assert.equal(retained.logGroups?.[0]?.retentionInDays, 1);
    const badRetention = await refusal(logs.send(new PutRetentionPolicyCommand({ logGroupName: "/svc/one", retentionInDays: 2 })));
    assert.equal(badRetention.name, "InvalidParameterException");
    const longKey = await refusal(logs.send(new CreateLogGroupCommand({ logGroupName: "/svc/kms", kmsKeyId: "k".repeat(257) })));
    assert.match(`${longKey.name} ${longKey.message}`, /^InvalidParameterException .*kmsKeyId.*256/);
    assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/svc/kms" }))).logGroups?.length, 0);

    const arn = retained.logGroups?.[0]?.logGroupArn ?? "";
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { env: "prod" } }));
    assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { env: "prod" });
    assert.deepEqual(json(await server.aws("logs", "list-tags-log-group", "--log-group-name", "/ecs/app")).tags, { team: "web" });

    const byTime = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/ecs/app", orderBy: "LastEventTime", descending: true, limit: 2 }));
    assert.equal(byTime.logStreams?.length, 2);
    assert.ok((byTime.logStreams?.[0]?.lastEventTimestamp ?? 0) >= (byTime.logStreams?.[1]?.lastEventTimestamp ?? 0));
    assert.ok(byTime.nextToken);
    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/ecs/app", logStreamNamePrefix: "web/" }));
    assert.deepEqual(byName.logStreams?.map((s) => s.logStreamName), ["web/a", "web/b", "web/c"]);
    assert.equal(byName.logStreams?.[0]?.firstEventTimestamp, t0);

    await logs.send(new DeleteLogGroupCommand({ logGroupName: "/svc/two" }));
    const gone = await refusal(logs.send(new CreateLogStreamCommand({ logGroupName: "/svc/two", logStreamName: "x" })));
    assert.equal(gone.name, "ResourceNotFoundException");
    assert.equal(gone.message, "The specified log group does not exist.");
  });

  it("aws logs tail prints the group's events with their streams", async () => {
    const out = await server.aws("logs", "tail", "/ecs/app", "--since", "1h", "--format", "short", "--filter-pattern", "ERROR");
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(out.stdout.trim().split("\n").map((l) => l.replace(/^\S+ /, "")), ["ERROR disk full on /var", "ERROR timeout talking to db"]);
  });
});
