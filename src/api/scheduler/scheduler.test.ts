import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { eachStore } from "../../../test/support/each-store.js";
import { statusOf } from "../../errors/catalog.js";
import type { Store } from "../../state/store.js";
import type { HttpRequest } from "../http-types.js";
import { createRestJsonDispatcher } from "../rest-json/dispatcher.js";
import { sdkModel } from "../sdk-model.js";
import { frontDoorOptions, jsonAnswer, testKey, testNow, testPartition } from "../testing.js";
import { schedulerErrors } from "./errors.js";
import { schedulerService } from "./service.js";

/** A REST-JSON request signed as the SDKs sign it (method, path and query included). */
async function signed(method: string, path: string, body?: object, query: Record<string, string> = {}, service = "scheduler"): Promise<HttpRequest> {
  const signer = new SignatureV4({ credentials: testKey, region: testPartition.region, service, sha256: Hash.bind(null, "sha256") });
  const text = body === undefined ? "" : JSON.stringify(body);
  const s = await signer.sign(
    { method, protocol: "http:", hostname: "127.0.0.1", port: 4400, path, query, headers: { host: "127.0.0.1:4400", ...(body && { "content-type": "application/json" }) }, body: text },
    { signingDate: new Date(testNow) },
  );
  return { method, path, query, headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(text) };
}

for (const { name: storeName, open } of eachStore()) describe(`EventBridge Scheduler (in process, REST-JSON front door, ${storeName})`, () => {
  let store: Store;
  let door: ReturnType<typeof createRestJsonDispatcher>;
  before(async () => {
    store = await open();
    door = createRestJsonDispatcher({ services: [schedulerService({ store })], ...frontDoorOptions });
  });
  const call = async (method: string, path: string, body?: object, query?: Record<string, string>) => jsonAnswer(await door.handle(await signed(method, path, body, query)));
  const target = { Arn: "arn:aws:ecs:us-east-1:123456789012:cluster/default", RoleArn: "arn:aws:iam::123456789012:role/r", EcsParameters: { TaskDefinitionArn: "app:1" } };
  const schedule = (o: object = {}) => ({ ScheduleExpression: "rate(5 minutes)", FlexibleTimeWindow: { Mode: "OFF" }, Target: target, ...o });
  after(() => store.close());

  it("the catalog is the model's exceptions with the model's statuses", () => {
    const model = sdkModel("@aws-sdk/client-scheduler");
    for (const [code, status] of Object.entries(schedulerErrors)) assert.equal(status, model.exceptions.get(code), code);
    for (const op of Object.keys(schedulerService({ store }).operations)) {
      assert.ok(model.operations.includes(op), op);
      for (const code of model.declaredErrors(op)) assert.equal(statusOf(code, schedulerErrors), model.exceptions.get(code), `${op} declares ${code}`);
    }
  });

  it("routes by method and path, binding labels, query and body; answers in the model's shape", async () => {
    assert.equal((await call("POST", "/schedules/every", schedule({ StartDate: testNow / 1000 + 3600 }))).status, 200);
    const got = await call("GET", "/schedules/every");
    assert.equal(got.status, 200);
    assert.deepEqual([got.body.Name, got.body.GroupName, got.body.StartDate, got.body.CreationDate], ["every", "default", testNow / 1000 + 3600, testNow / 1000]);
    const stored = await store.read((tx) => tx.schedules.get("default", "every"));
    assert.equal(stored?.nextFireMs, testNow + 3_600_000, "a rate's first run is its StartDate");
    assert.equal((await call("PUT", "/schedules/every", schedule({ State: "DISABLED" }))).status, 200);
    assert.equal((await store.read((tx) => tx.schedules.get("default", "every")))?.nextFireMs, undefined, "disabled: no run");
    const listed = await call("GET", "/schedules", undefined, { State: "DISABLED", MaxResults: "1" });
    assert.deepEqual((listed.body.Schedules as Array<{ Name: string }>).map((s) => s.Name), ["every"]);
  });

  const refusals: Array<[string, string, string, object | undefined, Record<string, string> | undefined, number, string, RegExp]> = [
    ["a missing FlexibleTimeWindow", "POST", "/schedules/x", { ScheduleExpression: "rate(1 hour)", Target: target }, undefined, 400, "ValidationException", /FlexibleTimeWindow/],
    ["a malformed expression", "POST", "/schedules/x", schedule({ ScheduleExpression: "cron(0 10 * * * *)" }), undefined, 400, "ValidationException", /^Invalid Schedule Expression cron\(0 10 \* \* \* \*\): one of day-of-month and day-of-week must be \?/],
    ["a Lambda target", "POST", "/schedules/x", schedule({ Target: { ...target, Arn: "arn:aws:lambda:us-east-1:123456789012:function:f" } }), undefined, 400, "ValidationException", /ECS clusters only/],
    ["an awsvpc configuration without subnets", "POST", "/schedules/x", schedule({ Target: { ...target, EcsParameters: { TaskDefinitionArn: "app:1", NetworkConfiguration: { awsvpcConfiguration: { Subnets: [] } } } } }), undefined, 400, "ValidationException", /Subnets must hold 1 to 16 subnets/],
    ["a retry policy out of range", "POST", "/schedules/x", schedule({ Target: { ...target, RetryPolicy: { MaximumRetryAttempts: 500 } } }), undefined, 400, "ValidationException", /MaximumRetryAttempts must be from 0 to 185/],
    ["an EndDate before the StartDate", "POST", "/schedules/x", schedule({ StartDate: 2_000_000_000, EndDate: 1_900_000_000 }), undefined, 400, "ValidationException", /EndDate must be after the StartDate/],
    ["a wrong type", "POST", "/schedules/x", schedule({ ScheduleExpression: 5 }), undefined, 400, "SerializationException", /ScheduleExpression/],
    ["an empty body", "POST", "/schedules/x", undefined, undefined, 400, "ValidationException", /ScheduleExpression|FlexibleTimeWindow|Target/],
    ["an unknown schedule", "GET", "/schedules/nope", undefined, undefined, 404, "ResourceNotFoundException", /Schedule nope does not exist in group default/],
    ["a MaxResults that is not a number", "GET", "/schedules", undefined, { MaxResults: "many" }, 400, "ValidationException", /MaxResults must be a number/],
    ["an unknown route", "PATCH", "/schedules/x", undefined, undefined, 400, "UnknownOperationException", /PATCH \/schedules\/x is not an operation/],
  ];
  for (const [what, method, path, body, query, status, code, message] of refusals) {
    it(`refuses ${what} with ${code} (${status}), in x-amzn-errortype and Message, changing nothing`, async () => {
      const answer = await call(method, path, body, query);
      assert.deepEqual([answer.status, answer.errorType], [status, code]);
      assert.match(String(answer.body.Message), message);
      assert.equal(await store.read((tx) => tx.schedules.get("default", "x")), undefined);
    });
  }

  it("is chosen by the credential scope: a request signed for another service is not its", () => {
    assert.deepEqual([...door.signingNames], ["scheduler"]);
  });
});
