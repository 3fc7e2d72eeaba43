import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { invalidSecretArn, parseValueFrom, type SecretSource, type UnreadableValueFrom } from "./value-from.js";

const secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";

describe("valueFrom, read as the ECS agent reads it", () => {
  const cases: [string, string, SecretSource | UnreadableValueFrom][] = [
    ["a plain parameter name, in the task's region", "db", { service: "ssm", region: "us-east-1", name: "db" }],
    ["a hierarchical name", "/app/db", { service: "ssm", region: "us-east-1", name: "/app/db" }],
    ["a parameter ARN with a path: the name keeps its leading /", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db", { service: "ssm", region: "eu-west-1", name: "/app/db" }],
    ["a parameter ARN of a plain name", "arn:aws:ssm:eu-west-1:123456789012:parameter/db", { service: "ssm", region: "eu-west-1", name: "db" }],
    ["a name with a version selector", "/app/db:3", { service: "ssm", region: "us-east-1", name: "/app/db:3" }],
    ["another service's ARN: SSM, as given", "arn:aws:s3:::bucket/key", { service: "ssm", region: "us-east-1", name: "arn:aws:s3:::bucket/key" }],
    ["a bare secret name: SSM, not Secrets Manager", "db-AbCdEf", { service: "ssm", region: "us-east-1", name: "db-AbCdEf" }],
    ["a secret ARN (full, with its suffix)", secret, { service: "asm", region: "eu-west-1", secretId: secret }],
    ["a partial secret ARN (the name only)", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db", { service: "asm", region: "eu-west-1", secretId: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db" }],
    ["a json key with empty version fields", `${secret}:password::`, { service: "asm", region: "eu-west-1", secretId: secret, jsonKey: "password", versionStage: undefined, versionId: undefined }],
    ["a version stage only", `${secret}::AWSPREVIOUS:`, { service: "asm", region: "eu-west-1", secretId: secret, jsonKey: undefined, versionStage: "AWSPREVIOUS", versionId: undefined }],
    ["all three", `${secret}:user:AWSCURRENT:v-1`, { service: "asm", region: "eu-west-1", secretId: secret, jsonKey: "user", versionStage: "AWSCURRENT", versionId: "v-1" }],
    ["a json key without the version fields", `${secret}:password`, { service: "invalid", problem: `trying to retrieve secret with value ${secret}:password resulted in error: ${invalidSecretArn}` }],
    ["six fields", `${secret}:a:b:c:d`, { service: "invalid", problem: `trying to retrieve secret with value ${secret}:a:b:c:d resulted in error: ${invalidSecretArn}` }],
    ["no secret name", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:", { service: "invalid", problem: `trying to retrieve secret with value arn:aws:secretsmanager:eu-west-1:123456789012:secret: resulted in error: ${invalidSecretArn}` }],
  ];
  for (const [what, valueFrom, want] of cases) {
    it(`${what}: ${valueFrom}`, () => {
      assert.deepEqual(parseValueFrom(valueFrom, "us-east-1"), want);
    });
  }
});
