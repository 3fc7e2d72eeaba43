import { after, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretBox } from "../../auth/secret-box.js";
import { sweepDeletedSecrets } from "../../controller/secret-deletion.js";
import { SqliteStore } from "../../state/sqlite/sqlite-store.js";
import { createJsonDispatcher } from "../aws-json/dispatcher.js";
import { frontDoorOptions, jsonAnswer, signedJsonRequest, testNow, type JsonAnswer } from "../testing.js";
import { secretsManagerService } from "./service.js";

const dayMs = 86_400_000;
const token = (n: number): string => `token-${String(n).padStart(26, "0")}-abcd`;
const prefix = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

/** Secrets Manager in process: the real operation table behind the real JSON front door, on SQLite, with a clock the test moves. */
describe("Secrets Manager's operations, in process", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-secrets-"));
  const store = new SqliteStore({ path: join(dir, "berth.db") });
  let clock = testNow;
  let draws = 0;
  const service = secretsManagerService({ store, box: SecretBox.ofKey(Buffer.alloc(32, 7)), randomInt: (n) => draws++ % n });
  const dispatch = createJsonDispatcher({ services: [service], ...frontDoorOptions, now: () => clock });
  const call = async (op: string, input: object): Promise<JsonAnswer> => jsonAnswer(await dispatch(await signedJsonRequest(service, op, input, clock)));
  const ok = async (op: string, input: object): Promise<Record<string, unknown>> => {
    const answer = await call(op, input);
    assert.equal(answer.status, 200, `${op}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const refused = async (op: string, input: object, type: string, message: RegExp): Promise<void> => {
    const answer = await call(op, input);
    assert.deepEqual([answer.status, answer.body.__type], [400, type], `${op}: ${JSON.stringify(answer.body)}`);
    assert.match(String(answer.body.message), message);
  };

  beforeEach(() => {
    clock = testNow;
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a secret and reads it back by name, full ARN and partial ARN, with its version current", async () => {
    const created = await ok("CreateSecret", { Name: "app/db", SecretString: "hunter2", ClientRequestToken: token(1), Description: "the db" });
    const arn = String(created.ARN);
    assert.match(arn, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/db-[A-Za-z0-9]{6}$/);
    assert.deepEqual(created, { ARN: arn, Name: "app/db", VersionId: token(1) });
    for (const id of ["app/db", arn, `${prefix}app/db`]) {
      const got = await ok("GetSecretValue", { SecretId: id });
      assert.deepEqual(got, { ARN: arn, Name: "app/db", VersionId: token(1), SecretString: "hunter2", VersionStages: ["AWSCURRENT"], CreatedDate: testNow / 1000 }, id);
    }
    const described = await ok("DescribeSecret", { SecretId: "app/db" });
    assert.deepEqual(described.VersionIdsToStages, { [token(1)]: ["AWSCURRENT"] });
    assert.equal(described.Description, "the db");
    assert.equal(described.LastAccessedDate, Date.UTC(2026, 10, 29) / 1000, "read today: midnight UTC");
  });

  it("keeps values sealed: the database file does not hold them in clear", async () => {
    await ok("CreateSecret", { Name: "sealed", SecretString: "CorrectHorseBatteryStaple-7f3a", ClientRequestToken: token(2) });
    // Every committed byte: the database and its write-ahead log.
    const bytes = Buffer.concat(["berth.db", "berth.db-wal"].map((f) => join(dir, f)).filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    assert.equal(bytes.indexOf("CorrectHorseBatteryStaple"), -1);
    assert.notEqual(bytes.indexOf("secret:sealed-"), -1, "the secret's ARN is there, in clear");
  });

  it("a second version moves AWSCURRENT and makes the first AWSPREVIOUS; a retry of the same put changes nothing", async () => {
    await ok("CreateSecret", { Name: "rotated", SecretString: "v1", ClientRequestToken: token(10) });
    const put = await ok("PutSecretValue", { SecretId: "rotated", SecretString: "v2", ClientRequestToken: token(11) });
    assert.deepEqual([put.VersionId, put.VersionStages], [token(11), ["AWSCURRENT"]]);
    assert.equal((await ok("GetSecretValue", { SecretId: "rotated" })).SecretString, "v2");
    assert.deepEqual(await ok("GetSecretValue", { SecretId: "rotated", VersionStage: "AWSPREVIOUS" }).then((b) => [b.SecretString, b.VersionId]), ["v1", token(10)]);
    assert.equal((await ok("GetSecretValue", { SecretId: "rotated", VersionId: token(10) })).SecretString, "v1");
    assert.deepEqual(await ok("PutSecretValue", { SecretId: "rotated", SecretString: "v2", ClientRequestToken: token(11) }), put, "the same token and value: the same answer");
    await refused("PutSecretValue", { SecretId: "rotated", SecretString: "other", ClientRequestToken: token(11) }, "ResourceExistsException", /^You can't use ClientRequestToken token-0+11-abcd because that value is already in use for a version of secret arn:/);
    await refused("GetSecretValue", { SecretId: "rotated", VersionId: token(10), VersionStage: "AWSCURRENT" }, "InvalidRequestException", /^You provided a VersionStage that is not associated to the provided VersionId\.$/);
    await refused("GetSecretValue", { SecretId: "rotated", VersionStage: "AWSPENDING" }, "ResourceNotFoundException", /^Secrets Manager can't find the specified secret value for staging label: AWSPENDING$/);
    const versions = await ok("ListSecretVersionIds", { SecretId: "rotated" });
    assert.deepEqual((versions.Versions as { VersionId: string; VersionStages: string[]; KmsKeyIds: string[] }[]).map((v) => [v.VersionId, v.VersionStages, v.KmsKeyIds]), [
      [token(10), ["AWSPREVIOUS"], ["DefaultEncryptionKey"]],
      [token(11), ["AWSCURRENT"], ["DefaultEncryptionKey"]],
    ]);
  });

  it("labels moved by UpdateSecretVersionStage, and deprecated versions listed only when asked", async () => {
    await ok("PutSecretValue", { SecretId: "rotated", SecretString: "v3", ClientRequestToken: token(12), VersionStages: ["AWSPENDING"] });
    await refused("UpdateSecretVersionStage", { SecretId: "rotated", VersionStage: "AWSCURRENT", MoveToVersionId: token(12) }, "InvalidParameterException", /RemoveFromVersionId can't be empty/);
    await ok("UpdateSecretVersionStage", { SecretId: "rotated", VersionStage: "AWSCURRENT", MoveToVersionId: token(12), RemoveFromVersionId: token(11) });
    assert.deepEqual((await ok("DescribeSecret", { SecretId: "rotated" })).VersionIdsToStages, { [token(11)]: ["AWSPREVIOUS"], [token(12)]: ["AWSCURRENT", "AWSPENDING"] });
    const all = await ok("ListSecretVersionIds", { SecretId: "rotated", IncludeDeprecated: true });
    assert.deepEqual((all.Versions as { VersionId: string }[]).map((v) => v.VersionId), [token(10), token(11), token(12)]);
    const page = await ok("ListSecretVersionIds", { SecretId: "rotated", IncludeDeprecated: true, MaxResults: 2 });
    const rest = await ok("ListSecretVersionIds", { SecretId: "rotated", IncludeDeprecated: true, NextToken: page.NextToken });
    assert.deepEqual([...(page.Versions as { VersionId: string }[]), ...(rest.Versions as { VersionId: string }[])].map((v) => v.VersionId), [token(10), token(11), token(12)]);
    assert.equal(rest.NextToken, undefined);
  });

  it("answers CreateSecret again with the same token and value as the first time; refuses another value or a new request", async () => {
    const first = await ok("CreateSecret", { Name: "idem", SecretString: "x", ClientRequestToken: token(20) });
    assert.deepEqual(await ok("CreateSecret", { Name: "idem", SecretString: "x", ClientRequestToken: token(20) }), first);
    await refused("CreateSecret", { Name: "idem", SecretString: "y", ClientRequestToken: token(20) }, "ResourceExistsException", /because that value is already in use/);
    await refused("CreateSecret", { Name: "idem", SecretString: "x", ClientRequestToken: token(21) }, "ResourceExistsException", /^The operation failed because the secret idem already exists\.$/);
  });

  it("stores binary values and answers them in base64", async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    await ok("CreateSecret", { Name: "bin", SecretBinary: bytes.toString("base64"), ClientRequestToken: token(30) });
    const got = await ok("GetSecretValue", { SecretId: "bin" });
    assert.equal(got.SecretBinary, bytes.toString("base64"));
    assert.equal(got.SecretString, undefined);
  });

  it("a secret without a value has no version until one is put", async () => {
    const created = await ok("CreateSecret", { Name: "empty", Description: "" });
    assert.equal(created.VersionId, undefined);
    const described = await ok("DescribeSecret", { SecretId: "empty" });
    assert.deepEqual(Object.keys(described).sort(), ["ARN", "CreatedDate", "LastChangedDate", "Name"]);
    await refused("GetSecretValue", { SecretId: "empty" }, "ResourceNotFoundException", /for staging label: AWSCURRENT$/);
    const put = await ok("PutSecretValue", { SecretId: "empty", SecretString: "now", ClientRequestToken: token(40), VersionStages: ["CUSTOM"] });
    assert.deepEqual(put.VersionStages, ["AWSCURRENT", "CUSTOM"], "the first version is current whatever was asked");
  });

  it("UpdateSecret changes the description and key, and with a value makes a new current version", async () => {
    assert.deepEqual(await ok("UpdateSecret", { SecretId: "app/db", Description: "new", KmsKeyId: "alias/mine" }), { ARN: (await ok("DescribeSecret", { SecretId: "app/db" })).ARN, Name: "app/db" });
    const updated = await ok("UpdateSecret", { SecretId: "app/db", SecretString: "hunter3", ClientRequestToken: token(3) });
    assert.equal(updated.VersionId, token(3));
    const described = await ok("DescribeSecret", { SecretId: "app/db" });
    assert.deepEqual([described.Description, described.KmsKeyId, described.VersionIdsToStages], ["new", "alias/mine", { [token(1)]: ["AWSPREVIOUS"], [token(3)]: ["AWSCURRENT"] }]);
    const versions = (await ok("ListSecretVersionIds", { SecretId: "app/db" })).Versions as { KmsKeyIds: string[] }[];
    assert.deepEqual(versions.map((v) => v.KmsKeyIds), [["DefaultEncryptionKey"], ["alias/mine"]]);
  });

  it("tags and untags a secret by any form of its id", async () => {
    const arn = String((await ok("DescribeSecret", { SecretId: "app/db" })).ARN);
    await ok("TagResource", { SecretId: arn, Tags: [{ Key: "team", Value: "blue" }, { Key: "env", Value: "dev" }] });
    await ok("TagResource", { SecretId: "app/db", Tags: [{ Key: "env", Value: "prod" }] });
    assert.deepEqual((await ok("DescribeSecret", { SecretId: "app/db" })).Tags, [{ Key: "team", Value: "blue" }, { Key: "env", Value: "prod" }]);
    await ok("UntagResource", { SecretId: `${prefix}app/db`, TagKeys: ["team", "nope"] });
    assert.deepEqual((await ok("DescribeSecret", { SecretId: "app/db" })).Tags, [{ Key: "env", Value: "prod" }]);
    await refused("TagResource", { SecretId: "app/db", Tags: [{ Key: "aws:x", Value: "1" }] }, "InvalidParameterException", /aws: prefix is reserved/);
    await refused("TagResource", { SecretId: "app/db", Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) }, "InvalidParameterException", /at most 50 tags/);
  });

  it("lists secrets with filters, page by page, never with their values", async () => {
    const names = async (input: object) => {
      const seen: string[] = [];
      let next: unknown;
      do {
        const page = await ok("ListSecrets", { ...input, MaxResults: 2, ...(next !== undefined && { NextToken: next }) });
        for (const s of page.SecretList as Record<string, unknown>[]) {
          assert.equal(s.SecretString, undefined);
          seen.push(String(s.Name));
        }
        next = page.NextToken;
      } while (next !== undefined);
      return seen;
    };
    // Created in the same millisecond (the test's clock stands still): by name.
    assert.deepEqual(await names({}), ["app/db", "bin", "empty", "idem", "rotated", "sealed"]);
    assert.deepEqual(await names({ Filters: [{ Key: "name", Values: ["app/", "bi"] }] }), ["app/db", "bin"]);
    assert.deepEqual(await names({ Filters: [{ Key: "tag-value", Values: ["prod"] }] }), ["app/db"]);
    assert.deepEqual(await names({ Filters: [{ Key: "name", Values: ["!app/"] }, { Key: "description", Values: ["!x"] }] }), ["bin", "empty", "idem", "rotated", "sealed"]);
    const listed = (await ok("ListSecrets", { Filters: [{ Key: "name", Values: ["rotated"] }] })).SecretList as Record<string, unknown>[];
    assert.deepEqual(listed[0]?.SecretVersionsToStages, { [token(11)]: ["AWSPREVIOUS"], [token(12)]: ["AWSCURRENT", "AWSPENDING"] });
    await refused("ListSecrets", { Filters: [{ Key: "colour", Values: ["x"] }] }, "ValidationException", /Member must satisfy enum value set/);
    await refused("ListSecrets", { MaxResults: 101 }, "ValidationException", /less than or equal to 100/);
    await refused("ListSecrets", { NextToken: "garbage" }, "InvalidNextTokenException", /NextToken/);
  });

  it("deletes with a recovery window: refused while scheduled, restored, and gone for good once the window ends", async () => {
    await ok("CreateSecret", { Name: "doomed", SecretString: "bye", ClientRequestToken: token(50) });
    await refused("DeleteSecret", { SecretId: "doomed", RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }, "InvalidParameterException", /^You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays\.$/);
    await refused("DeleteSecret", { SecretId: "doomed", RecoveryWindowInDays: 6 }, "InvalidParameterException", /between 7 and 30 days/);
    const deleted = await ok("DeleteSecret", { SecretId: "doomed", RecoveryWindowInDays: 7 });
    assert.equal(deleted.DeletionDate, (clock + 7 * dayMs) / 1000);
    const marked = /^You can't perform this operation on the secret because it was marked for deletion\.$/;
    for (const [op, input] of [
      ["GetSecretValue", { SecretId: "doomed" }],
      ["PutSecretValue", { SecretId: "doomed", SecretString: "x", ClientRequestToken: token(51) }],
      ["UpdateSecret", { SecretId: "doomed", Description: "x" }],
      ["TagResource", { SecretId: "doomed", Tags: [{ Key: "a", Value: "b" }] }],
      ["DeleteSecret", { SecretId: "doomed" }],
    ] as const) {
      await refused(op, input, "InvalidRequestException", marked);
    }
    await refused("CreateSecret", { Name: "doomed", SecretString: "again", ClientRequestToken: token(52) }, "InvalidRequestException", /already scheduled for deletion/);
    assert.equal((await ok("DescribeSecret", { SecretId: "doomed" })).DeletedDate, clock / 1000);
    const listed = async (input: object) => ((await ok("ListSecrets", { ...input, Filters: [{ Key: "name", Values: ["doomed"] }] })).SecretList as unknown[]).length;
    assert.deepEqual([await listed({}), await listed({ IncludePlannedDeletion: true })], [0, 1]);
    await ok("RestoreSecret", { SecretId: "doomed" });
    assert.equal((await ok("GetSecretValue", { SecretId: "doomed" })).SecretString, "bye");

    await ok("DeleteSecret", { SecretId: "doomed", RecoveryWindowInDays: 7 });
    clock += 7 * dayMs;
    await refused("DescribeSecret", { SecretId: "doomed" }, "ResourceNotFoundException", /^Secrets Manager can't find the specified secret\.$/);
    assert.equal(await sweepDeletedSecrets(store, clock), 1);
    assert.equal(await store.read((tx) => tx.secrets.get("doomed")), undefined);
    await ok("CreateSecret", { Name: "doomed", SecretString: "reborn", ClientRequestToken: token(53) });
  });

  it("force-deletes at once, and answers a forced deletion of nothing as a deletion", async () => {
    await ok("DeleteSecret", { SecretId: "doomed", ForceDeleteWithoutRecovery: true });
    await refused("GetSecretValue", { SecretId: "doomed" }, "ResourceNotFoundException", /can't find the specified secret/);
    const nothing = await ok("DeleteSecret", { SecretId: "never/was", ForceDeleteWithoutRecovery: true });
    assert.equal(nothing.Name, "never/was");
    assert.match(String(nothing.ARN), /^arn:aws:secretsmanager:us-east-1:123456789012:secret:never\/was-[A-Za-z0-9]{6}$/);
    await refused("DeleteSecret", { SecretId: "never/was" }, "ResourceNotFoundException", /can't find the specified secret/);
  });

  it("reads several secrets at once, each failure an entry of Errors", async () => {
    const batch = await ok("BatchGetSecretValue", { SecretIdList: ["app/db", "missing", "bin"] });
    assert.deepEqual((batch.SecretValues as Record<string, unknown>[]).map((v) => v.Name), ["app/db", "bin"]);
    assert.deepEqual(batch.Errors, [{ SecretId: "missing", ErrorCode: "ResourceNotFoundException", Message: "Secrets Manager can't find the specified secret." }]);
    const filtered = await ok("BatchGetSecretValue", { Filters: [{ Key: "name", Values: ["app/"] }] });
    assert.deepEqual((filtered.SecretValues as Record<string, unknown>[]).map((v) => v.SecretString), ["hunter3"]);
    await refused("BatchGetSecretValue", { SecretIdList: ["a"], Filters: [{ Key: "name", Values: ["a"] }] }, "InvalidParameterException", /not both/);
  });

  it("keeps, enforces the shape of, and removes a resource policy", async () => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }] });
    await ok("PutResourcePolicy", { SecretId: "app/db", ResourcePolicy: policy });
    assert.equal((await ok("GetResourcePolicy", { SecretId: "app/db" })).ResourcePolicy, policy);
    await refused("PutResourcePolicy", { SecretId: "app/db", ResourcePolicy: "{}" }, "MalformedPolicyDocumentException", /./);
    const open = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" }] });
    await refused("PutResourcePolicy", { SecretId: "app/db", ResourcePolicy: open, BlockPublicPolicy: true }, "PublicPolicyException", /BlockPublicPolicy/);
    assert.deepEqual(await ok("ValidateResourcePolicy", { ResourcePolicy: open }), { PolicyValidationPassed: true, ValidationErrors: [] });
    await ok("DeleteResourcePolicy", { SecretId: "app/db" });
    assert.equal((await ok("GetResourcePolicy", { SecretId: "app/db" })).ResourcePolicy, undefined);
  });

  it("reads a secret once a day into LastAccessedDate: a second read the same day writes nothing", async () => {
    const version = async () => (await store.read((tx) => tx.secrets.get("bin")))!.version;
    await ok("GetSecretValue", { SecretId: "bin" });
    const before = await version();
    await ok("GetSecretValue", { SecretId: "bin" });
    assert.equal(await version(), before);
    clock += dayMs;
    await ok("GetSecretValue", { SecretId: "bin" });
    assert.equal(await version(), before + 1);
    assert.equal((await ok("DescribeSecret", { SecretId: "bin" })).LastAccessedDate, (Date.UTC(2026, 10, 29) + dayMs) / 1000);
  });

  it("generates passwords as asked", async () => {
    const { RandomPassword } = await ok("GetRandomPassword", { PasswordLength: 20, ExcludePunctuation: true });
    assert.match(String(RandomPassword), /^[A-Za-z0-9]{20}$/);
    await refused("GetRandomPassword", { PasswordLength: 4097 }, "ValidationException", /less than or equal to 4096/);
    await refused("GetRandomPassword", { PasswordLength: 2 }, "InvalidParameterException", /^Password length is too short based on the required types\.$/);
  });

  it("refuses what Secrets Manager refuses, in its words", async () => {
    await refused("CreateSecret", { Name: "Inv Name", SecretString: "x", ClientRequestToken: token(60) }, "ValidationException", /^Invalid name\. Must be a valid name containing alphanumeric characters, or any of the following: -\/_\+=\.@!$/);
    await refused("GetSecretValue", { SecretId: "Inv Name" }, "ValidationException", /^Invalid name\./);
    await refused("GetSecretValue", { SecretId: "nope" }, "ResourceNotFoundException", /^Secrets Manager can't find the specified secret\.$/);
    await refused("GetSecretValue", { SecretId: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db" }, "ResourceNotFoundException", /can't find/);
    await refused("CreateSecret", { Name: "nt", SecretString: "x" }, "InvalidRequestException", /^You must provide a ClientRequestToken value\. We recommend a UUID-type value\.$/);
    await refused("CreateSecret", { Name: "both", SecretString: "x", SecretBinary: "eA==", ClientRequestToken: token(61) }, "InvalidParameterException", /can't specify both a binary secret value and a string secret value/);
    await refused("CreateSecret", { Name: "big", SecretString: "é".repeat(32_769), ClientRequestToken: token(62) }, "ValidationException", /^1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536$/);
    await refused("CreateSecret", { Name: "short", SecretString: "x", ClientRequestToken: "too-short" }, "ValidationException", /'clientRequestToken'.*greater than or equal to 32/);
    await refused("CreateSecret", { Name: "repl", AddReplicaRegions: [{ Region: "eu-west-1" }] }, "InvalidRequestException", /does not replicate secrets/);
    await refused("PutSecretValue", { SecretId: "app/db", ClientRequestToken: token(63) }, "InvalidRequestException", /^You must provide either SecretString or SecretBinary\.$/);
    await refused("RotateSecret", { SecretId: "app/db" }, "InvalidRequestException", /^RotateSecret is not offered by Berth: rotation runs an AWS Lambda function/);
  });
});
