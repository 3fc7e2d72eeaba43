import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { statusOf } from "../../errors/catalog.js";
import { sdkModel } from "../sdk-model.js";
import type { SsmDeps } from "./deps.js";
import { ssmErrors } from "./errors.js";
import { ssmService } from "./service.js";

const model = sdkModel("@aws-sdk/client-ssm");
/** The operation table, read for its names only: no handler is called. */
const table = ssmService({} as SsmDeps);

describe("SSM's error catalog and operation table, held to @aws-sdk/client-ssm", () => {
  it("every name in the catalog is an exception of the model, with the model's status", () => {
    assert.equal(table.errors, ssmErrors);
    for (const [code, status] of Object.entries(ssmErrors)) {
      assert.ok(model.exceptions.has(code), `${code} is not an exception of ${model.packageName} ${model.version}`);
      assert.equal(status, model.exceptions.get(code), `${code}'s status`);
    }
  });

  it("every operation is the model's, and every exception it declares that Berth may raise has the model's status", () => {
    assert.ok(Object.keys(table.operations).length >= 13);
    for (const op of Object.keys(table.operations)) {
      assert.ok(model.operations.includes(op), op);
      for (const code of model.declaredErrors(op).filter((c) => Object.hasOwn(ssmErrors, c))) assert.equal(statusOf(code, ssmErrors), model.exceptions.get(code), `${op} declares ${code}`);
    }
  });

  it("every exception name the service's code raises is in its catalog or the front door's shared core", () => {
    const dir = fileURLToPath(new URL("../../../../src/api/ssm/", import.meta.url));
    const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    const raised = sources.flatMap((f) => [...readFileSync(dir + f, "utf8").matchAll(/new AwsError\(\s*"(\w+)"/g)].map((m) => m[1]!));
    assert.ok(raised.length > 20, "names found");
    for (const code of raised) assert.notEqual(statusOf(code, ssmErrors), undefined, `src/api/ssm raises ${code}, which no catalog declares`);
  });
});
