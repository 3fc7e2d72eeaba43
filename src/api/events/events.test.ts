import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { eachStore } from "../../../test/support/each-store.js";
import type { Store } from "../../state/store.js";
import { createJsonDispatcher } from "../aws-json/dispatcher.js";
import { frontDoorOptions, jsonAnswer, signedJsonRequest, testNow, type JsonAnswer } from "../testing.js";
import { eventsService } from "./service.js";

/** EventBridge in process: the real operation table behind the real JSON front door, on each store. */
for (const { name: storeName, open } of eachStore()) describe(`EventBridge API (in process, ${storeName})`, () => {
  let store: Store;
  let call: (op: string, input: object) => Promise<JsonAnswer>;
  const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/default";
  const ecsTarget = (id: string, extra: object = {}) => ({ Id: id, Arn: cluster, EcsParameters: { TaskDefinitionArn: "job:1" }, ...extra });

  before(async () => {
    store = await open();
    const service = eventsService({ store });
    const dispatch = createJsonDispatcher({ services: [service], ...frontDoorOptions });
    call = async (op, input) => jsonAnswer(await dispatch(await signedJsonRequest(service, op, input)));
    for (const name of ["b-rule", "a-rule", "c-rule"]) assert.equal((await call("PutRule", { Name: name, ScheduleExpression: "cron(0 10 * * ? *)" })).status, 200);
  });
  after(() => store.close());

  const refusals: Array<[string, string, object, string, RegExp]> = [
    ["a missing Name", "PutRule", { ScheduleExpression: "rate(1 minute)" }, "ValidationException", /Missing required parameter 'Name'/],
    ["a rule name EventBridge's pattern refuses", "PutRule", { Name: "bad name", ScheduleExpression: "rate(1 minute)" }, "ValidationException", /failed to satisfy constraint/],
    ["a malformed schedule", "PutRule", { Name: "x", ScheduleExpression: "cron(0 10 * * * *)" }, "ValidationException", /^Parameter ScheduleExpression is not valid\.$/],
    ["neither schedule nor pattern", "PutRule", { Name: "x" }, "ValidationException", /EventPattern or ScheduleExpression must be specified/],
    ["a pattern that is not JSON", "PutRule", { Name: "x", EventPattern: "{" }, "InvalidEventPatternException", /Event pattern is not valid/],
    ["a pattern with an unknown operator", "PutRule", { Name: "x", EventPattern: JSON.stringify({ detail: { stopCode: [{ between: 1 }] } }) }, "InvalidEventPatternException", /^Event pattern is not valid\. Reason: unrecognized match type 'between' at 'detail\.stopCode'\.$/],
    ["TestEventPattern with a malformed pattern", "TestEventPattern", { EventPattern: JSON.stringify({ source: "aws.ecs" }), Event: "{}" }, "InvalidEventPatternException", /'source' must be an object or an array/],
    ["TestEventPattern with an event lacking members", "TestEventPattern", { EventPattern: JSON.stringify({ source: ["aws.ecs"] }), Event: JSON.stringify({ source: "aws.ecs" }) }, "ValidationException", /Parameter Event is not valid: it lacks id, account, time, region, resources, detail-type\./],
    ["another event bus", "PutRule", { Name: "x", ScheduleExpression: "rate(1 minute)", EventBusName: "custom" }, "ResourceNotFoundException", /Event bus custom does not exist/],
    ["a wrong type", "PutRule", { Name: 5, ScheduleExpression: "rate(1 minute)" }, "SerializationException", /Name/],
    ["an unknown rule", "DescribeRule", { Name: "nope" }, "ResourceNotFoundException", /Rule nope does not exist on EventBus default\./],
    ["enabling an unknown rule", "EnableRule", { Name: "nope" }, "ResourceNotFoundException", /Rule nope does not exist/],
    ["targets of an unknown rule", "PutTargets", { Rule: "nope", Targets: [ecsTarget("t")] }, "ResourceNotFoundException", /Rule nope does not exist/],
    ["no targets", "PutTargets", { Rule: "a-rule", Targets: [] }, "ValidationException", /1 to 10 targets/],
    ["a limit out of range", "ListRules", { Limit: 0 }, "ValidationException", /Limit must be from 1 to 100/],
    ["a forged NextToken", "ListRules", { NextToken: "garbage" }, "ValidationException", /NextToken is not valid/],
  ];
  for (const [what, op, input, code, message] of refusals) {
    it(`refuses ${what} with ${code}, changing nothing`, async () => {
      const answer = await call(op, input);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.__type, code);
      assert.match(String(answer.body.message), message);
      assert.equal((await call("DescribeRule", { Name: "x" })).status, 400, "no rule x was made");
    });
  }

  it("TestEventPattern answers whether an event matches, with the rules' matcher", async () => {
    const event = { id: "1", account: "123456789012", source: "aws.ecs", time: "2026-11-29T00:00:00Z", region: "us-east-1", resources: [], "detail-type": "ECS Task State Change", detail: { lastStatus: "STOPPED", stopCode: "EssentialContainerExited" } };
    const pattern = (stopCode: string) => JSON.stringify({ source: ["aws.ecs"], detail: { lastStatus: ["STOPPED"], stopCode: [stopCode] } });
    assert.deepEqual((await call("TestEventPattern", { EventPattern: pattern("EssentialContainerExited"), Event: JSON.stringify(event) })).body, { Result: true });
    assert.deepEqual((await call("TestEventPattern", { EventPattern: pattern("UserInitiated"), Event: JSON.stringify(event) })).body, { Result: false });
  });

  it("lists rules by prefix, page by page", async () => {
    assert.deepEqual(((await call("ListRules", { NamePrefix: "b-" })).body.Rules as Array<{ Name: string }>).map((r) => r.Name), ["b-rule"]);
    const first = await call("ListRules", { Limit: 2 });
    assert.deepEqual((first.body.Rules as Array<{ Name: string }>).map((r) => r.Name), ["a-rule", "b-rule"]);
    const second = await call("ListRules", { Limit: 2, NextToken: first.body.NextToken });
    assert.deepEqual({ names: (second.body.Rules as Array<{ Name: string }>).map((r) => r.Name), next: second.body.NextToken }, { names: ["c-rule"], next: undefined });
  });

  it("PutTargets reports the targets it cannot take as failed entries and keeps the rest; a rule holds at most 5", async () => {
    const answer = await call("PutTargets", {
      Rule: "b-rule",
      Targets: [ecsTarget("ok"), { Id: "lambda", Arn: "arn:aws:lambda:us-east-1:123456789012:function:f" }, ecsTarget("bad-input", { Input: "{not json" }), ecsTarget("bad-override", { Input: JSON.stringify({ containerOverrides: "x" }) }), ecsTarget("no-subnets", { EcsParameters: { TaskDefinitionArn: "job:1", NetworkConfiguration: { awsvpcConfiguration: { Subnets: [] } } } })],
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.FailedEntryCount, 4);
    assert.deepEqual((answer.body.FailedEntries as Array<{ TargetId: string }>).map((f) => f.TargetId), ["lambda", "bad-input", "bad-override", "no-subnets"]);
    assert.match((answer.body.FailedEntries as Array<{ ErrorMessage: string }>)[3]?.ErrorMessage ?? "", /awsvpcConfiguration\.Subnets must hold 1 to 16 subnets; got 0/);
    const listed = await call("ListTargetsByRule", { Rule: "b-rule" });
    assert.deepEqual((listed.body.Targets as Array<{ Id: string }>).map((t) => t.Id), ["ok"]);
    const many = await call("PutTargets", { Rule: "b-rule", Targets: ["t1", "t2", "t3", "t4", "t5"].map((id) => ecsTarget(id)) });
    assert.equal(many.body.__type, "LimitExceededException");
    assert.deepEqual(((await call("ListTargetsByRule", { Rule: "b-rule" })).body.Targets as unknown[]).length, 1, "nothing was added");
  });

  it("DeleteRule is refused while targets remain, succeeds after RemoveTargets, and is a no-op for a rule that is gone", async () => {
    assert.equal((await call("PutTargets", { Rule: "c-rule", Targets: [ecsTarget("t")] })).status, 200);
    const refused = await call("DeleteRule", { Name: "c-rule" });
    assert.deepEqual([refused.body.__type, refused.body.message], ["ValidationException", "Rule can't be deleted since it has targets."]);
    assert.equal((await call("RemoveTargets", { Rule: "c-rule", Ids: ["t"] })).status, 200);
    assert.equal((await call("DeleteRule", { Name: "c-rule" })).status, 200);
    assert.equal((await call("DeleteRule", { Name: "c-rule" })).status, 200);
    assert.equal((await call("DescribeRule", { Name: "c-rule" })).body.__type, "ResourceNotFoundException");
  });

  it("DisableRule clears the next due time; EnableRule sets it again from the time of enabling", async () => {
    assert.equal((await call("PutRule", { Name: "every", ScheduleExpression: "rate(5 minutes)" })).status, 200);
    const due = async () => (await store.read((tx) => tx.eventRules.get("every")))?.nextFireMs;
    assert.equal(await due(), testNow + 300_000);
    await call("DisableRule", { Name: "every" });
    assert.equal((await call("DescribeRule", { Name: "every" })).body.State, "DISABLED");
    assert.equal(await due(), undefined);
    assert.deepEqual(await store.read((tx) => tx.eventRules.due(testNow + 3_600_000, 10)).then((r) => r.map((x) => x.name).filter((n) => n === "every")), []);
    await call("EnableRule", { Name: "every" });
    assert.equal(await due(), testNow + 300_000);
  });
});
