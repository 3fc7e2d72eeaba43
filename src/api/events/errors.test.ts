import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { frontDoorErrors, statusOf } from "../../errors/catalog.js";
import { sdkModel } from "../sdk-model.js";
import type { EventsDeps } from "./deps.js";
import { eventsErrors } from "./errors.js";
import { eventsService } from "./service.js";

const model = sdkModel("@aws-sdk/client-eventbridge");
/** The operation table, read for its names only: no handler is called. */
const table = eventsService({} as EventsDeps);

describe("EventBridge's error catalog and operation table, held to @aws-sdk/client-eventbridge", () => {
  it("every name in the catalog is an exception of the model, with the model's status", () => {
    assert.equal(table.errors, eventsErrors);
    for (const [code, status] of Object.entries(eventsErrors)) {
      assert.ok(model.exceptions.has(code), `${code} is not an exception of ${model.packageName} ${model.version}`);
      assert.equal(status, model.exceptions.get(code), `${code}'s status`);
    }
  });

  it("every operation is the model's, and every exception it declares is answered with the model's status", () => {
    assert.deepEqual(Object.keys(table.operations).sort(), ["DeleteRule", "DescribeRule", "DisableRule", "EnableRule", "ListRules", "ListTargetsByRule", "PutRule", "PutTargets", "RemoveTargets", "TestEventPattern"]);
    for (const op of Object.keys(table.operations)) {
      assert.ok(model.operations.includes(op), op);
      // EventBridgeServiceException is the SDK's base class, not an answer.
      for (const code of model.declaredErrors(op).filter((c) => c !== "EventBridgeServiceException")) assert.equal(statusOf(code, eventsErrors), model.exceptions.get(code), `${op} declares ${code}`);
    }
  });

  it("ValidationException, which EventBridge answers though its model does not declare it, is the shared core's 400", () => {
    assert.equal(frontDoorErrors.ValidationException, 400);
    assert.equal(table.missingMemberError, "ValidationException");
  });
});
