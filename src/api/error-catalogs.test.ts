import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AwsError, frontDoorErrors, statusOf, type ErrorCatalog, type ErrorName } from "../errors/catalog.js";
import { createJsonDispatcher } from "./aws-json/dispatcher.js";
import { operation, type JsonService } from "./aws-json/service.js";
import { ecrErrors } from "./ecr/errors.js";
import { ecrService } from "./ecr/service.js";
import type { EcrDeps } from "./ecr/deps.js";
import { ecsErrors } from "./ecs/errors.js";
import { ecsService } from "./ecs/service.js";
import type { EcsDeps } from "./ecs/deps.js";
import { secretsManagerErrors } from "./secretsmanager/errors.js";
import type { SecretsManagerDeps } from "./secretsmanager/deps.js";
import { secretsManagerService } from "./secretsmanager/service.js";
import { sdkModel } from "./sdk-model.js";
import { frontDoorOptions, signedJsonRequest } from "./testing.js";

/** The operation tables, read for their names only: no handler is called. */
const unused = {};
const services = [
  { name: "ECS", catalog: ecsErrors, table: ecsService(unused as EcsDeps), model: sdkModel("@aws-sdk/client-ecs"), sources: ["src/api/ecs", "src/domain", "src/planner"] },
  { name: "ECR", catalog: ecrErrors, table: ecrService(unused as EcrDeps), model: sdkModel("@aws-sdk/client-ecr"), sources: ["src/api/ecr", "src/registry"] },
  { name: "Secrets Manager", catalog: secretsManagerErrors, table: secretsManagerService(unused as SecretsManagerDeps), model: sdkModel("@aws-sdk/client-secrets-manager"), sources: ["src/api/secretsmanager"] },
];

describe("per-service error catalogs, held to the AWS SDK's models", () => {
  for (const { name, catalog, table, model } of services) {
    it(`${name}: every name in its catalog is an exception of ${model.packageName} with the model's status`, () => {
      assert.equal(table.errors, catalog);
      for (const [code, status] of Object.entries(catalog)) {
        assert.ok(model.exceptions.has(code), `${code} is not an exception of ${model.packageName} ${model.version}`);
        assert.equal(status, model.exceptions.get(code), `${code}'s status`);
      }
    });

    it(`${name}: every exception the model declares for an operation Berth implements is answered with the model's status`, () => {
      const served = Object.entries(table.operations).filter(([op, { refusal }]) => model.operations.includes(op) && !refusal);
      assert.ok(served.length > 10, "the table's operations are the model's");
      for (const [op] of served) {
        for (const code of model.declaredErrors(op)) {
          assert.equal(statusOf(code, catalog), model.exceptions.get(code), `${op} declares ${code}`);
        }
      }
    });

    it(`${name}: an operation Berth refuses is refused with an exception the model declares for it`, () => {
      for (const [op, { refusal }] of Object.entries(table.operations)) {
        if (!refusal) continue;
        assert.ok(model.declaredErrors(op).includes(refusal.code), `${op} refuses with ${refusal.code}, which the model does not declare for it`);
        assert.notEqual(statusOf(refusal.code, catalog), undefined, `${refusal.code} is in the catalog`);
      }
    });
  }

  it("the names ECS and ECR share have one status in both, as in the two models", () => {
    const shared = Object.keys(ecsErrors).filter((code) => Object.hasOwn(ecrErrors, code));
    assert.deepEqual(shared.sort(), ["InvalidParameterException", "LimitExceededException", "ServerException"]);
    for (const code of shared) assert.equal(statusOf(code, ecsErrors), statusOf(code, ecrErrors));
  });

  it("the shared core holds only front-door errors: no service's own exception", () => {
    for (const { catalog } of services) for (const code of Object.keys(frontDoorErrors)) assert.ok(!Object.hasOwn(catalog, code), code);
  });

  it("every exception name the code of a service raises is in that service's catalog or the shared core", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    for (const { name, catalog, sources } of services) {
      const raised = sources.flatMap((dir) => tsFiles(join(root, dir))).flatMap((file) => raisedNames(readFileSync(file, "utf8")));
      assert.ok(raised.length > 5, `${name}: names found`);
      for (const code of raised) assert.notEqual(statusOf(code, catalog), undefined, `${name} raises ${code}, which its catalog does not declare`);
    }
  });
});

describe("the JSON front door resolves an error's status by service", () => {
  const refusing = (errors: ErrorCatalog, code: ErrorName): JsonService => ({
    targetPrefix: "Refuser_20261129",
    signingName: "ecs",
    errors,
    operations: { Refuse: operation([3, "t", "RefuseRequest", 0, [], []], () => Promise.reject(new AwsError(code, "no"))) },
  });
  const call = async (service: JsonService) => createJsonDispatcher({ services: [service], ...frontDoorOptions })(await signedJsonRequest(service, "Refuse", {}));

  it("with the service's status for its own names, the shared core's for the front door's", async () => {
    assert.equal((await call(refusing({ ServerException: 500 }, "ServerException"))).status, 500);
    assert.equal((await call(refusing({ ClientException: 400 }, "ClientException"))).status, 400);
    assert.equal((await call(refusing({}, "AccessDeniedException"))).status, 403);
  });

  it("a name the service's catalog does not declare is Berth's bug: a ServerException, not the client's fault", async () => {
    const res = await call(refusing(ecsErrors, "RepositoryNotFoundException"));
    assert.equal(res.status, 500);
    assert.equal(res.headers["x-amzn-errortype"], "ServerException");
  });
});

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

/** `new AwsError("Name", …)`, the helpers' names, and `code: "Name"` members of error objects. */
function raisedNames(source: string): string[] {
  const direct = [...source.matchAll(/new AwsError\(\s*"(\w+)"/g)].map((m) => m[1]!);
  const helpers = [...source.matchAll(/\b(invalidParameter|clientException)\(/g)].map((m) => (m[1] === "invalidParameter" ? "InvalidParameterException" : "ClientException"));
  const members = [...source.matchAll(/\bcode: "(\w+Exception)"/g)].map((m) => m[1]!);
  return [...direct, ...helpers, ...members];
}
