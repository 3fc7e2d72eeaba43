import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { eachStore } from "../../../test/support/each-store.js";
import { SecretBox } from "../../auth/secret-box.js";
import type { Store } from "../../state/store.js";
import { createJsonDispatcher } from "../aws-json/dispatcher.js";
import { encodeToken } from "../pagination.js";
import { frontDoorOptions, jsonAnswer, signedJsonRequest, type JsonAnswer } from "../testing.js";
import { ssmService } from "./service.js";

/** Parameter Store through the real JSON front door, on both stores: the inputs no client sends on purpose answer 4xx, never 5xx. */
for (const { name: storeName, open } of eachStore()) describe(`SSM Parameter Store (in process, ${storeName})`, () => {
  let store: Store;
  let call: (op: string, input: object) => Promise<JsonAnswer>;
  const refused = async (op: string, input: object, type: string) => {
    const answer = await call(op, input);
    assert.deepEqual([answer.status, answer.errorType], [400, type], `${op} ${JSON.stringify(input).slice(0, 100)}: ${JSON.stringify(answer.body).slice(0, 200)}`);
  };

  before(async () => {
    store = await open();
    const service = ssmService({ store, box: SecretBox.ofKey(randomBytes(32)) });
    const dispatch = createJsonDispatcher({ services: [service], ...frontDoorOptions });
    call = async (op, input) => jsonAnswer(await dispatch(await signedJsonRequest(service, op, input)));
    assert.equal((await call("PutParameter", { Name: "/p", Type: "String", Value: "one" })).status, 200);
  });
  after(() => store.close());

  it("refuses a missing or mistyped member as SSM does", async () => {
    await refused("PutParameter", { Value: "v" }, "ValidationException");
    await refused("GetParameter", {}, "ValidationException");
    await refused("PutParameter", { Name: 5, Value: "v" }, "SerializationException");
  });

  it("keeps NUL characters in values and descriptions, and finds no parameter by a name holding one", async () => {
    assert.equal((await call("PutParameter", { Name: "/nul", Type: "String", Value: "a\u0000b", Description: "d\u0000" })).status, 200);
    const history = await call("GetParameterHistory", { Name: "/nul" });
    assert.deepEqual((history.body.Parameters as { Value: string; Description: string }[]).map((h) => [h.Value, h.Description]), [["a\u0000b", "d\u0000"]]);
    await refused("GetParameter", { Name: "/p\u0000" }, "ParameterNotFound");
    await refused("PutParameter", { Name: "/p\u0000", Type: "String", Value: "v" }, "ValidationException");
    await refused("AddTagsToResource", { ResourceType: "Parameter", ResourceId: "/p", Tags: [{ Key: "k\u0000", Value: "v" }] }, "ValidationException");
    assert.deepEqual((await call("DeleteParameters", { Names: ["/p\u0000"] })).body, { DeletedParameters: [], InvalidParameters: ["/p\u0000"] });
    assert.deepEqual((await call("LabelParameterVersion", { Name: "/p", Labels: ["a\u0000"] })).body.InvalidLabels, ["a\u0000"]);
    assert.deepEqual((await call("GetParametersByPath", { Path: "/", NextToken: encodeToken("/\u0000") })).status, 200);
  });

  it("answers versions no store could hold as not found, and refuses a forged history token", async () => {
    await refused("GetParameter", { Name: "/p:99999999999999999999" }, "ParameterVersionNotFound");
    await refused("LabelParameterVersion", { Name: "/p", ParameterVersion: 2 ** 31 - 1, Labels: ["x"] }, "ParameterVersionNotFound");
    await refused("GetParameterHistory", { Name: "/p", NextToken: encodeToken("1e300") }, "InvalidNextToken");
    await refused("GetParameterHistory", { Name: "/p", NextToken: "%%%" }, "InvalidNextToken");
  });

  it("saves concurrent overwrites one after the other, or answers TooManyUpdates: never a lost version", async () => {
    const answers = await Promise.all(["a", "b", "c"].map((Value) => call("PutParameter", { Name: "/p", Value, Overwrite: true })));
    for (const a of answers) assert.ok(a.status === 200 || a.errorType === "TooManyUpdates", JSON.stringify(a));
    const saved = answers.filter((a) => a.status === 200).map((a) => a.body.Version as number);
    const history = (await call("GetParameterHistory", { Name: "/p" })).body.Parameters as { Version: number }[];
    assert.deepEqual(history.map((h) => h.Version).slice(1), [...saved].sort((x, y) => x - y));
  });
});
