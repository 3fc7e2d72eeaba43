import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { statusOf } from "../../errors/catalog.js";
import { sdkModel } from "../sdk-model.js";
import type { LogsDeps } from "./deps.js";
import { logsErrors } from "./errors.js";
import { logsService } from "./service.js";

const model = sdkModel("@aws-sdk/client-cloudwatch-logs");
/** The operation table, read for its names only: no handler is called. */
const table = logsService({} as LogsDeps);

describe("CloudWatch Logs' error catalog and operation table, held to @aws-sdk/client-cloudwatch-logs", () => {
  it("every name in the catalog is an exception of the model, with the model's status", () => {
    assert.equal(table.errors, logsErrors);
    for (const [code, status] of Object.entries(logsErrors)) {
      assert.ok(model.exceptions.has(code), `${code} is not an exception of ${model.packageName} ${model.version}`);
      assert.equal(status, model.exceptions.get(code), `${code}'s status`);
    }
  });

  it("every operation is the model's, and every exception it declares (that Berth may raise) has the model's status", () => {
    for (const op of Object.keys(table.operations)) {
      assert.ok(model.operations.includes(op), op);
      for (const code of model.declaredErrors(op).filter((c) => Object.hasOwn(logsErrors, c))) assert.equal(statusOf(code, logsErrors), model.exceptions.get(code), `${op} declares ${code}`);
    }
  });
});
