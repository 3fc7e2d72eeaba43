import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type SecretListEntry,
} from "@aws-sdk/client-secrets-manager";
import { BerthServer } from "./support/berth-server.js";
import { awsAs, policyDoc, userWithPolicies, type Creds } from "./support/iam-tools.js";
import { refusal } from "./support/refusal.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const json = (out: { code: number; stdout: string; stderr: string }): Record<string, unknown> => {
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout || "{}") as Record<string, unknown>;
};

/** The CLI's refusal: its exit code 254 and `An error occurred (<__type>) when calling …: <message>`. */
const cliRefusal = (out: { code: number; stderr: string }, type: string, message: RegExp): void => {
  assert.notEqual(out.code, 0, "the call succeeded");
  const m = /An error occurred \((\w+)\) when calling the \w+ operation: (.*)/.exec(out.stderr);
  assert.ok(m, out.stderr);
  assert.equal(m[1], type, out.stderr);
  assert.match(m[2]!, message);
};

/** Every file of the data directory whose name starts with `berth.db` (each region's store, its WAL), concatenated. */
function databaseBytes(dir: string): Buffer {
  const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : f.startsWith("berth.db") ? [join(d, f)] : []));
  return Buffer.concat(files(dir).map((f) => readFileSync(f)));
}

describe("Secrets Manager (the AWS CLI and the SDK v3 against berth server)", () => {
  let server: BerthServer;
  let sm: SecretsManagerClient;
  let appDb: string;
  const sm$ = (region: string, credentials?: Creds) => new SecretsManagerClient({ endpoint: server.endpoint, region, credentials: credentials ?? server.accessKey, ...testSdkRetry });

  before(async () => {
    server = await BerthServer.start();
    sm = sm$("us-east-1");
  });
  after(async () => {
    sm?.destroy();
    await server?.stop();
  });

  it("creates a secret with the CLI and reads it by name, full ARN and partial ARN (CLI and SDK)", async () => {
    const created = json(await server.aws("secretsmanager", "create-secret", "--name", "app/db", "--secret-string", '{"password":"pa55-Wrd-in-clear?"}', "--description", "the database"));
    appDb = String(created.ARN);
    assert.match(appDb, /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:app\/db-[A-Za-z0-9]{6}$/);
    assert.match(String(created.VersionId), /^[0-9a-f-]{36}$/, "the CLI's ClientRequestToken became the version's id");
    const partial = appDb.slice(0, -7);
    for (const id of ["app/db", appDb, partial]) {
      const got = json(await server.aws("secretsmanager", "get-secret-value", "--secret-id", id));
      assert.deepEqual([got.ARN, got.Name, got.SecretString, got.VersionStages], [appDb, "app/db", '{"password":"pa55-Wrd-in-clear?"}', ["AWSCURRENT"]], id);
      const sdk = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      assert.deepEqual([sdk.ARN, sdk.VersionId, sdk.CreatedDate instanceof Date], [appDb, created.VersionId, true]);
    }
  });

  it("a second version moves AWSCURRENT and leaves the first AWSPREVIOUS, which stays readable", async () => {
    const first = (await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).VersionId!;
    const put = json(await server.aws("secretsmanager", "put-secret-value", "--secret-id", "app/db", "--secret-string", "second"));
    assert.deepEqual(put.VersionStages, ["AWSCURRENT"]);
    assert.equal(json(await server.aws("secretsmanager", "get-secret-value", "--secret-id", "app/db")).SecretString, "second");
    const previous = json(await server.aws("secretsmanager", "get-secret-value", "--secret-id", "app/db", "--version-stage", "AWSPREVIOUS"));
    assert.deepEqual([previous.VersionId, previous.SecretString], [first, '{"password":"pa55-Wrd-in-clear?"}']);
    const described = json(await server.aws("secretsmanager", "describe-secret", "--secret-id", "app/db"));
    assert.deepEqual(described.VersionIdsToStages, { [first]: ["AWSPREVIOUS"], [String(put.VersionId)]: ["AWSCURRENT"] });
    assert.equal(described.Description, "the database");
    // The CLI writes timestamps as ISO 8601 text.
    assert.equal(Date.parse(String(described.LastAccessedDate)) % 86_400_000, 0, `LastAccessedDate ${String(described.LastAccessedDate)} is a day, not a time`);
    const versions = json(await server.aws("secretsmanager", "list-secret-version-ids", "--secret-id", "app/db")).Versions as { VersionId: string }[];
    assert.deepEqual(versions.map((v) => v.VersionId), [first, put.VersionId]);
  });

  it("stores binary values (SDK bytes in, bytes out; the CLI's fileb:// and base64)", async () => {
    const bytes = Uint8Array.from([0, 1, 2, 0xfe, 0xff]);
    await sm.send(new CreateSecretCommand({ Name: "app/cert", SecretBinary: bytes }));
    assert.deepEqual((await sm.send(new GetSecretValueCommand({ SecretId: "app/cert" }))).SecretBinary, bytes);
    assert.equal(json(await server.aws("secretsmanager", "get-secret-value", "--secret-id", "app/cert")).SecretBinary, Buffer.from(bytes).toString("base64"));
  });

  it("CreateSecret with the same ClientRequestToken and value answers as the first time; another value is ResourceExistsException", async () => {
    const token = "a1b2c3d4-e5f6-4a5b-8c7d-0123456789ab";
    const first = await sm.send(new CreateSecretCommand({ Name: "idem", SecretString: "x", ClientRequestToken: token }));
    const again = await sm.send(new CreateSecretCommand({ Name: "idem", SecretString: "x", ClientRequestToken: token }));
    assert.deepEqual([again.ARN, again.VersionId], [first.ARN, token]);
    const other = await refusal(sm.send(new CreateSecretCommand({ Name: "idem", SecretString: "y", ClientRequestToken: token })));
    assert.deepEqual([other.name, other.status], ["ResourceExistsException", 400]);
    const fresh = await refusal(sm.send(new CreateSecretCommand({ Name: "idem", SecretString: "x" })));
    assert.deepEqual([fresh.name, fresh.message], ["ResourceExistsException", "The operation failed because the secret idem already exists."]);
  });

  it("lists with filters (CLI) and page by page (SDK), without values", async () => {
    for (const name of ["other/x", "other/y", "zeta"]) await sm.send(new CreateSecretCommand({ Name: name, SecretString: `value of ${name}` }));
    const filtered = json(await server.aws("secretsmanager", "list-secrets", "--filters", "Key=name,Values=other/"));
    assert.deepEqual((filtered.SecretList as SecretListEntry[]).map((s) => s.Name), ["other/x", "other/y"]);
    const negated = json(await server.aws("secretsmanager", "list-secrets", "--filters", "Key=name,Values=!other/,!app/"));
    assert.deepEqual((negated.SecretList as SecretListEntry[]).map((s) => s.Name).sort(), ["idem", "zeta"]);
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sm.send(new ListSecretsCommand({ MaxResults: 2, NextToken }));
      for (const s of page.SecretList ?? []) {
        assert.ok(!("SecretString" in s));
        seen.push(s.Name!);
      }
      NextToken = page.NextToken;
      pages++;
    } while (NextToken !== undefined);
    assert.deepEqual(seen.sort(), ["app/cert", "app/db", "idem", "other/x", "other/y", "zeta"]);
    assert.equal(pages, 3);
  });

  it("tags a secret and finds it by tag", async () => {
    json(await server.aws("secretsmanager", "tag-resource", "--secret-id", "app/db", "--tags", "Key=team,Value=payments", "Key=env,Value=prod"));
    json(await server.aws("secretsmanager", "untag-resource", "--secret-id", appDb, "--tag-keys", "env"));
    assert.deepEqual(json(await server.aws("secretsmanager", "describe-secret", "--secret-id", "app/db")).Tags, [{ Key: "team", Value: "payments" }]);
    const byTag = json(await server.aws("secretsmanager", "list-secrets", "--filters", "Key=tag-key,Values=team"));
    assert.deepEqual((byTag.SecretList as SecretListEntry[]).map((s) => s.Name), ["app/db"]);
  });

  it("deletes with a recovery window: refused meanwhile, hidden from listings, then restored", async () => {
    const deleted = json(await server.aws("secretsmanager", "delete-secret", "--secret-id", "zeta", "--recovery-window-in-days", "7"));
    const inDays = (Date.parse(String(deleted.DeletionDate)) - Date.now()) / 86_400_000;
    assert.ok(inDays > 6.9 && inDays <= 7, `DeletionDate in ${inDays} days`);
    cliRefusal(await server.aws("secretsmanager", "get-secret-value", "--secret-id", "zeta"), "InvalidRequestException", /^You can't perform this operation on the secret because it was marked for deletion\.$/);
    assert.ok(Date.parse(String(json(await server.aws("secretsmanager", "describe-secret", "--secret-id", "zeta")).DeletedDate)) <= Date.now());
    const names = async (...more: string[]) => (json(await server.aws("secretsmanager", "list-secrets", "--filters", "Key=name,Values=zeta", ...more)).SecretList as SecretListEntry[]).map((s) => s.Name);
    assert.deepEqual(await names(), []);
    assert.deepEqual(await names("--include-planned-deletion"), ["zeta"]);
    cliRefusal(await server.aws("secretsmanager", "create-secret", "--name", "zeta", "--secret-string", "again"), "InvalidRequestException", /already scheduled for deletion/);
    json(await server.aws("secretsmanager", "restore-secret", "--secret-id", "zeta"));
    assert.equal(json(await server.aws("secretsmanager", "get-secret-value", "--secret-id", "zeta")).SecretString, "value of zeta");
  });

  it("force-deletes at once; the name is free again for a new secret with a new ARN", async () => {
    const before = (await sm.send(new DescribeSecretCommand({ SecretId: "zeta" }))).ARN;
    json(await server.aws("secretsmanager", "delete-secret", "--secret-id", "zeta", "--force-delete-without-recovery"));
    cliRefusal(await server.aws("secretsmanager", "get-secret-value", "--secret-id", "zeta"), "ResourceNotFoundException", /^Secrets Manager can't find the specified secret\.$/);
    const reborn = await sm.send(new CreateSecretCommand({ Name: "zeta", SecretString: "reborn" }));
    assert.notEqual(reborn.ARN, before);
    cliRefusal(await server.aws("secretsmanager", "get-secret-value", "--secret-id", before!), "ResourceNotFoundException", /can't find/);
  });

  it("refuses with the model's exceptions (the SDK reads each `__type` as the error's name)", async () => {
    // Each call made when its turn comes: a refusal that arrived before its turn would be an unhandled rejection.
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => sm.send(new GetSecretValueCommand({ SecretId: "nope" })), "ResourceNotFoundException", /^Secrets Manager can't find the specified secret\.$/],
      [() => sm.send(new GetSecretValueCommand({ SecretId: "app/db", VersionStage: "AWSPENDING" })), "ResourceNotFoundException", /for staging label: AWSPENDING$/],
      [() => sm.send(new CreateSecretCommand({ Name: "bad name!", SecretString: "x" })), "ValidationException", /^Invalid name\./],
      [() => sm.send(new DeleteSecretCommand({ SecretId: "app/db", RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })), "InvalidParameterException", /in conjunction with RecoveryWindowInDays/],
      [() => sm.send(new DeleteSecretCommand({ SecretId: "app/db", RecoveryWindowInDays: 3 })), "InvalidParameterException", /between 7 and 30 days/],
      [() => sm.send(new PutSecretValueCommand({ SecretId: "app/db" })), "InvalidRequestException", /^You must provide either SecretString or SecretBinary\.$/],
      [() => sm.send(new PutResourcePolicyCommand({ SecretId: "app/db", ResourcePolicy: '{"Statement":[]}' })), "MalformedPolicyDocumentException", /./],
    ];
    for (const [call, name, message] of cases) {
      const r = await refusal(call());
      assert.deepEqual([r.name, r.status], [name, 400], r.message);
      assert.match(r.message, message);
    }
    cliRefusal(await server.aws("secretsmanager", "rotate-secret", "--secret-id", "app/db"), "InvalidRequestException", /^RotateSecret is not offered by Berth: rotation runs an AWS Lambda function/);
  });

  it("generates a password with the CLI", async () => {
    const { RandomPassword } = json(await server.aws("secretsmanager", "get-random-password", "--password-length", "40", "--exclude-punctuation"));
    assert.match(String(RandomPassword), /^[A-Za-z0-9]{40}$/);
  });

  it("keeps each region's secrets apart: eu-west-3 has its own, with its own ARNs", async () => {
    const created = json(await server.aws("--region", "eu-west-3", "secretsmanager", "create-secret", "--name", "app/db", "--secret-string", "paris-value-7"));
    assert.match(String(created.ARN), /^arn:aws:secretsmanager:eu-west-3:\d{12}:secret:app\/db-[A-Za-z0-9]{6}$/);
    const paris = sm$("eu-west-3");
    try {
      assert.equal((await paris.send(new GetSecretValueCommand({ SecretId: String(created.ARN) }))).SecretString, "paris-value-7");
      const names = ((await paris.send(new ListSecretsCommand({}))).SecretList ?? []).map((s) => s.Name);
      assert.deepEqual(names, ["app/db"]);
    } finally {
      paris.destroy();
    }
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "second", "us-east-1's app/db is another secret");
    cliRefusal(await server.aws("secretsmanager", "get-secret-value", "--secret-id", String(created.ARN)), "ResourceNotFoundException", /can't find/);
  });

  it("IAM: a caller allowed on secret:app/* reads app/db by any name of it, not other/x, until other/x's resource policy lets it", async () => {
    const account = appDb.split(":")[4]!;
    const appSecrets = `arn:aws:secretsmanager:us-east-1:${account}:secret:app/*`;
    const reader = await userWithPolicies(server, "app-reader", {
      read: policyDoc({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: appSecrets }, { Effect: "Allow", Action: "secretsmanager:BatchGetSecretValue", Resource: "*" }),
    });
    for (const id of ["app/db", appDb, appDb.slice(0, -7)]) assert.equal(json(await awsAs(server, reader, "secretsmanager", "get-secret-value", "--secret-id", id)).Name, "app/db", id);
    const otherArn = (await sm.send(new DescribeSecretCommand({ SecretId: "other/x" }))).ARN!;
    cliRefusal(await awsAs(server, reader, "secretsmanager", "get-secret-value", "--secret-id", "other/x"), "AccessDeniedException", new RegExp(`^User: arn:aws:iam::${account}:user/app-reader is not authorized to perform: secretsmanager:GetSecretValue on resource: ${otherArn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} because no identity-based policy allows`));
    cliRefusal(await awsAs(server, reader, "secretsmanager", "get-secret-value", "--secret-id", "app/none"), "ResourceNotFoundException", /can't find/);
    // A policy on the one secret's ARN pattern (AWS's advice): the name and the partial ARN are resolved to the full ARN first.
    const dbOnly = await userWithPolicies(server, "db-reader", { read: policyDoc({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `arn:aws:secretsmanager:us-east-1:${account}:secret:app/db-??????` }) });
    for (const id of ["app/db", appDb.slice(0, -7)]) assert.equal(json(await awsAs(server, dbOnly, "secretsmanager", "get-secret-value", "--secret-id", id)).ARN, appDb, id);
    cliRefusal(await awsAs(server, dbOnly, "secretsmanager", "get-secret-value", "--secret-id", "app/cert"), "AccessDeniedException", /secret:app\/cert-/);
    cliRefusal(await awsAs(server, reader, "secretsmanager", "describe-secret", "--secret-id", "app/db"), "AccessDeniedException", /secretsmanager:DescribeSecret/);
    cliRefusal(await awsAs(server, reader, "secretsmanager", "list-secrets"), "AccessDeniedException", /secretsmanager:ListSecrets on resource: \*/);

    const asReader = sm$("us-east-1", reader);
    try {
      const batch = await asReader.send(new BatchGetSecretValueCommand({ SecretIdList: ["app/db", "other/x"] }));
      assert.deepEqual((batch.SecretValues ?? []).map((v) => v.Name), ["app/db"]);
      assert.deepEqual((batch.Errors ?? []).map((e) => [e.SecretId, e.ErrorCode]), [["other/x", "AccessDeniedException"]]);
      // other/x's own policy names the reader: allowed without an identity-based allow.
      await sm.send(new PutResourcePolicyCommand({ SecretId: "other/x", ResourcePolicy: policyDoc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:user/app-reader` }, Action: "secretsmanager:GetSecretValue", Resource: "*" }) }));
      assert.equal((await asReader.send(new GetSecretValueCommand({ SecretId: "other/x" }))).SecretString, "value of other/x");
    } finally {
      asReader.destroy();
    }
  });

  it("keeps no value in clear in the database files (every region's)", () => {
    const bytes = databaseBytes(server.dataDir);
    for (const value of ["pa55-Wrd-in-clear?", "value of other/x", "paris-value-7", "reborn"]) assert.equal(bytes.indexOf(value), -1, value);
    assert.notEqual(bytes.indexOf("secret:app/db-"), -1, "the secrets are there, their values sealed");
  });
});
