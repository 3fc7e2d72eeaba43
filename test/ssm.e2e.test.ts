import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  SSMClient,
  type DescribeParametersCommandInput,
  type PutParameterCommandInput,
} from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthServer } from "./support/berth-server.js";
import { awsAs, clients, policyDoc, userWithPolicies, type Creds } from "./support/iam-tools.js";
import { refusal } from "./support/refusal.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const ssmOf = (server: BerthServer, creds: Creds = server.accessKey, region = "us-east-1") => new SSMClient({ endpoint: server.endpoint, region, credentials: creds, ...testSdkRetry });

/** The `__type` and message of a refused AWS CLI call, from its stderr (`An error occurred (<type>) when calling the <Op> operation: <message>`). */
function cliError(r: { code: number; stderr: string }): { type: string; message: string } {
  assert.notEqual(r.code, 0, "the call succeeded");
  const m = /An error occurred \((\w+)\) when calling the \w+ operation: (.*)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return { type: m[1]!, message: m[2]! };
}

describe("SSM Parameter Store (real server, AWS CLI and SDK v3)", () => {
  let server: BerthServer;
  let ssm: SSMClient;
  let account = "";
  const put = (input: PutParameterCommandInput) => ssm.send(new PutParameterCommand(input));

  before(async () => {
    server = await BerthServer.start();
    ssm = ssmOf(server);
    account = (await clients(server).sts.send(new GetCallerIdentityCommand({}))).Account!;
  });
  after(async () => {
    await server.stop();
  });

  it("puts, overwrites and gets a String with the AWS CLI: versions, selectors and history", async () => {
    const first = await server.aws("ssm", "put-parameter", "--name", "/app/url", "--type", "String", "--value", "http://one", "--description", "the app's URL");
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { Version: 1, Tier: "Standard" });
    assert.equal(cliError(await server.aws("ssm", "put-parameter", "--name", "/app/url", "--type", "String", "--value", "x")).type, "ParameterAlreadyExists");
    // Overwriting: the type may be left out, the description is kept.
    const second = await server.aws("ssm", "put-parameter", "--name", "/app/url", "--value", "http://two", "--overwrite");
    assert.deepEqual(JSON.parse(second.stdout), { Version: 2, Tier: "Standard" });

    const got = JSON.parse((await server.aws("ssm", "get-parameter", "--name", "/app/url")).stdout) as { Parameter: Record<string, unknown> };
    // Epoch seconds on the wire, which the CLI prints as an ISO 8601 time.
    assert.ok(Math.abs(Date.parse(String(got.Parameter.LastModifiedDate)) - Date.now()) < 60_000, String(got.Parameter.LastModifiedDate));
    delete got.Parameter.LastModifiedDate;
    assert.deepEqual(got.Parameter, { Name: "/app/url", Type: "String", Value: "http://two", Version: 2, ARN: `arn:aws:ssm:us-east-1:${account}:parameter/app/url`, DataType: "text" });
    const v1 = JSON.parse((await server.aws("ssm", "get-parameter", "--name", "/app/url:1")).stdout) as { Parameter: { Value: string; Version: number; Selector: string } };
    assert.deepEqual([v1.Parameter.Value, v1.Parameter.Version, v1.Parameter.Selector], ["http://one", 1, ":1"]);
    assert.deepEqual(cliError(await server.aws("ssm", "get-parameter", "--name", "/app/url:9")), {
      type: "ParameterVersionNotFound",
      message: "Systems Manager could not find version 9 of /app/url. Verify the version and try again.",
    });
    assert.equal(cliError(await server.aws("ssm", "get-parameter", "--name", "/app/nothing")).type, "ParameterNotFound");

    const history = await ssm.send(new GetParameterHistoryCommand({ Name: "/app/url" }));
    assert.deepEqual(
      history.Parameters?.map((h) => [h.Version, h.Value, h.Description, h.LastModifiedUser, h.Labels]),
      [
        [1, "http://one", "the app's URL", `arn:aws:iam::${account}:root`, []],
        [2, "http://two", "the app's URL", `arn:aws:iam::${account}:root`, []],
      ],
    );
    // A label names a version, as a number does.
    await ssm.send(new LabelParameterVersionCommand({ Name: "/app/url", ParameterVersion: 1, Labels: ["stable", "1bad"] })).then((r) => assert.deepEqual(r.InvalidLabels, ["1bad"]));
    const stable = await ssm.send(new GetParameterCommand({ Name: "/app/url:stable" }));
    assert.deepEqual([stable.Parameter?.Value, stable.Parameter?.Selector], ["http://one", ":stable"]);
    const paged = await ssm.send(new GetParameterHistoryCommand({ Name: "/app/url", MaxResults: 1 }));
    assert.deepEqual([paged.Parameters?.map((h) => h.Labels), typeof paged.NextToken], [[["stable"]], "string"]);
    const rest = await ssm.send(new GetParameterHistoryCommand({ Name: "/app/url", MaxResults: 1, NextToken: paged.NextToken }));
    assert.deepEqual([rest.Parameters?.map((h) => h.Version), rest.NextToken], [[2], undefined]);
  });

  it("keeps a SecureString sealed: opaque without decryption, clear with it, never in clear in the database file", async () => {
    const secret = "s3cr3t-Passw0rd-4-db-" + Math.random().toString(36).slice(2);
    assert.deepEqual((await put({ Name: "/app/db/password", Type: "SecureString", Value: secret })).Version, 1);
    const sealed = await ssm.send(new GetParameterCommand({ Name: "/app/db/password" }));
    assert.equal(sealed.Parameter?.Type, "SecureString");
    assert.notEqual(sealed.Parameter?.Value, secret);
    assert.match(sealed.Parameter.Value!, /^[A-Za-z0-9+/]+=*$/, "base64, as AWS gives its ciphertext");
    assert.ok(!Buffer.from(sealed.Parameter.Value!, "base64").toString("utf8").includes(secret));
    assert.equal((await ssm.send(new GetParameterCommand({ Name: "/app/db/password", WithDecryption: true }))).Parameter?.Value, secret);
    const cli = JSON.parse((await server.aws("ssm", "get-parameter", "--name", "/app/db/password", "--with-decryption")).stdout) as { Parameter: { Value: string } };
    assert.equal(cli.Parameter.Value, secret);
    const described = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Values: ["/app/db/password"] }] }));
    assert.deepEqual(described.Parameters?.map((p) => [p.Name, p.Type, p.KeyId, p.Tier, p.Version]), [["/app/db/password", "SecureString", "alias/aws/ssm", "Standard", 1]]);
    assert.ok(!JSON.stringify(described).includes(secret));

    await put({ Name: "/app/plain", Type: "String", Value: "plain-marker-" + secret.slice(-6) });
    const bytes = Buffer.concat(readdirSync(server.dataDir).filter((f) => f.startsWith("berth.db")).map((f) => readFileSync(join(server.dataDir, f))));
    assert.ok(bytes.includes(Buffer.from("plain-marker-" + secret.slice(-6))), "the scan finds what is stored in clear (a String)");
    assert.ok(!bytes.includes(Buffer.from(secret)), "a SecureString's value is stored in clear");
  });

  it("keeps a StringList as given, and GetParameters answers found names alphabetically and the rest as invalid", async () => {
    await put({ Name: "/app/hosts", Type: "StringList", Value: "a.example,b.example" });
    const got = await ssm.send(new GetParametersCommand({ Names: ["/app/url", "/app/missing", "/app/hosts", "/app/url:7"] }));
    assert.deepEqual(got.Parameters?.map((p) => [p.Name, p.Type, p.Value]), [
      ["/app/hosts", "StringList", "a.example,b.example"],
      ["/app/url", "String", "http://two"],
    ]);
    assert.deepEqual(got.InvalidParameters, ["/app/missing", "/app/url:7"]);
    const byArn = await ssm.send(new GetParametersCommand({ Names: [`arn:aws:ssm:us-east-1:${account}:parameter/app/hosts`] }));
    assert.deepEqual(byArn.Parameters?.map((p) => p.Name), ["/app/hosts"]);
    assert.equal((await refusal(ssm.send(new GetParametersCommand({ Names: Array.from({ length: 11 }, (_, i) => `/p${i}`) })))).name, "ValidationException");
  });

  it("lists a hierarchy one level or all of it, page by page, filtered by type", async () => {
    for (const n of ["/tree/a", "/tree/b", "/tree/c", "/tree/sub/d", "/tree/sub/deeper/e"]) await put({ Name: n, Type: n.endsWith("c") ? "SecureString" : "String", Value: `v${n}` });
    const names = async (input: { Path: string; Recursive?: boolean; MaxResults?: number; ParameterFilters?: { Key: string; Values: string[] }[] }) => {
      const seen: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await ssm.send(new GetParametersByPathCommand({ ...input, NextToken }));
        assert.ok((page.Parameters?.length ?? 0) <= (input.MaxResults ?? 10));
        seen.push(...(page.Parameters ?? []).map((p) => p.Name!));
        NextToken = page.NextToken;
      } while (NextToken);
      return seen;
    };
    assert.deepEqual(await names({ Path: "/tree" }), ["/tree/a", "/tree/b", "/tree/c"]);
    assert.deepEqual(await names({ Path: "/tree/", Recursive: true, MaxResults: 2 }), ["/tree/a", "/tree/b", "/tree/c", "/tree/sub/d", "/tree/sub/deeper/e"]);
    assert.deepEqual(await names({ Path: "/tree", Recursive: true, ParameterFilters: [{ Key: "Type", Values: ["SecureString"] }] }), ["/tree/c"]);
    const first = await ssm.send(new GetParametersByPathCommand({ Path: "/tree", MaxResults: 2 }));
    assert.deepEqual([first.Parameters?.length, typeof first.NextToken], [2, "string"]);
    // The AWS CLI pages through by itself.
    const cli = JSON.parse((await server.aws("ssm", "get-parameters-by-path", "--path", "/tree", "--recursive", "--with-decryption", "--max-items", "10", "--page-size", "2")).stdout) as { Parameters: { Name: string; Value: string }[] };
    assert.deepEqual(cli.Parameters.map((p) => [p.Name, p.Value]).slice(1, 3), [["/tree/b", "v/tree/b"], ["/tree/c", "v/tree/c"]]);
    assert.equal((await refusal(ssm.send(new GetParametersByPathCommand({ Path: "/tree", NextToken: "not-a-token" })))).name, "InvalidNextToken");
    assert.equal((await refusal(ssm.send(new GetParametersByPathCommand({ Path: "/tree", ParameterFilters: [{ Key: "Name", Values: ["x"] }] })))).name, "InvalidFilterKey");
    assert.equal((await refusal(ssm.send(new GetParametersByPathCommand({ Path: "/tree", MaxResults: 11 })))).name, "ValidationException");
  });

  it("describes parameters by Name, Type and Path filters, and the older Filters, never both", async () => {
    const described = async (input: DescribeParametersCommandInput) => (await ssm.send(new DescribeParametersCommand(input))).Parameters?.map((p) => p.Name);
    assert.deepEqual(await described({ ParameterFilters: [{ Key: "Name", Option: "BeginsWith", Values: ["/tree/s"] }] }), ["/tree/sub/d", "/tree/sub/deeper/e"]);
    assert.deepEqual(await described({ ParameterFilters: [{ Key: "Type", Values: ["StringList"] }] }), ["/app/hosts"]);
    assert.deepEqual(await described({ ParameterFilters: [{ Key: "Path", Option: "OneLevel", Values: ["/tree/sub"] }] }), ["/tree/sub/d"]);
    assert.deepEqual(await described({ ParameterFilters: [{ Key: "Path", Option: "Recursive", Values: ["/tree/sub"] }, { Key: "Type", Values: ["String"] }] }), ["/tree/sub/d", "/tree/sub/deeper/e"]);
    assert.deepEqual(await described({ Filters: [{ Key: "Name", Values: ["/app/h"] }] }), ["/app/hosts"]);
    const page = await ssm.send(new DescribeParametersCommand({ MaxResults: 3 }));
    const next = await ssm.send(new DescribeParametersCommand({ MaxResults: 50, NextToken: page.NextToken }));
    assert.equal(new Set([...page.Parameters!, ...next.Parameters!].map((p) => p.Name)).size, page.Parameters!.length + next.Parameters!.length, "pages do not overlap");
    assert.equal((await refusal(ssm.send(new DescribeParametersCommand({ Filters: [{ Key: "Name", Values: ["a"] }], ParameterFilters: [{ Key: "Type", Values: ["String"] }] })))).name, "ValidationException");
    assert.equal((await refusal(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Type", Values: ["Text"] }] })))).name, "InvalidFilterValue");
    assert.equal((await refusal(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Type", Option: "Like", Values: ["String"] }] })))).name, "InvalidFilterOption");
    assert.equal((await refusal(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Label", Values: ["x"] }] })))).name, "InvalidFilterKey");
  });

  it("tags a parameter when it is created and afterwards, and refuses tags with Overwrite", async () => {
    await put({ Name: "/tagged", Type: "String", Value: "v", Tags: [{ Key: "team", Value: "web" }] });
    await ssm.send(new AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: "/tagged", Tags: [{ Key: "env", Value: "prod" }] }));
    const removed = await server.aws("ssm", "remove-tags-from-resource", "--resource-type", "Parameter", "--resource-id", "/tagged", "--tag-keys", "team");
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual((await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/tagged" }))).TagList, [{ Key: "env", Value: "prod" }]);
    const withOverwrite = await refusal(put({ Name: "/tagged", Value: "w", Overwrite: true, Tags: [{ Key: "a", Value: "b" }] }));
    assert.equal(withOverwrite.name, "ValidationException");
    assert.match(withOverwrite.message, /tags and overwrite can't be used together/);
    assert.equal((await refusal(ssm.send(new ListTagsForResourceCommand({ ResourceType: "Document", ResourceId: "/tagged" })))).name, "InvalidResourceType");
    assert.equal((await refusal(ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/nope" })))).name, "InvalidResourceId");
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    assert.equal((await refusal(ssm.send(new AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: "/tagged", Tags: many })))).name, "TooManyTagsError");
  });

  it("refuses what Parameter Store refuses, each with its exception", async () => {
    const cases: [PutParameterCommandInput, string][] = [
      [{ Name: "awsthing", Type: "String", Value: "v" }, "ValidationException"],
      [{ Name: "/SSM/thing", Type: "String", Value: "v" }, "ValidationException"],
      [{ Name: "/aws/service/x", Type: "String", Value: "v" }, "AccessDeniedException"],
      [{ Name: "a/b", Type: "String", Value: "v" }, "ValidationException"],
      [{ Name: "/a b", Type: "String", Value: "v" }, "ValidationException"],
      [{ Name: `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join("/")}`, Type: "String", Value: "v" }, "HierarchyLevelLimitExceededException"],
      [{ Name: `/${"n".repeat(1000)}`, Type: "String", Value: "v" }, "ValidationException"],
      [{ Name: "/new/untyped", Value: "v" }, "ValidationException"],
      [{ Name: "/app/url", Type: "SecureString", Value: "v", Overwrite: true }, "HierarchyTypeMismatchException"],
      [{ Name: "/k", Type: "String", Value: "v", KeyId: "alias/mine" }, "InvalidKeyId"],
      [{ Name: "/num", Type: "String", Value: "12a", AllowedPattern: "\\d+" }, "ParameterPatternMismatchException"],
      [{ Name: "/num", Type: "String", Value: "12", AllowedPattern: "(" }, "InvalidAllowedPatternException"],
      [{ Name: "/big", Type: "String", Value: "x".repeat(4097) }, "ValidationException"],
      [{ Name: "/img", Type: "String", Value: "ami-12345678", DataType: "aws:ec2:image" }, "ValidationException"],
      [{ Name: "/pol", Type: "String", Value: "v", Policies: '[{"Type":"Expiration"}]' }, "InvalidPolicyTypeException"],
    ];
    for (const [input, type] of cases) assert.equal((await refusal(put(input))).name, type, JSON.stringify(input).slice(0, 80));
    // The AWS CLI sees the same names.
    assert.equal(cliError(await server.aws("ssm", "put-parameter", "--name", "/aws/x/y", "--type", "String", "--value", "v")).type, "AccessDeniedException");
    assert.equal(cliError(await server.aws("ssm", "delete-parameter", "--name", "/never")).type, "ParameterNotFound");
    // What a pattern or a tier allows is accepted.
    assert.equal((await put({ Name: "/num", Type: "String", Value: "12", AllowedPattern: "\\d+" })).Version, 1);
    assert.equal((await put({ Name: "/num", Value: "34", Overwrite: true })).Version, 2);
    assert.equal((await refusal(put({ Name: "/num", Value: "x", Overwrite: true }))).name, "ParameterPatternMismatchException", "the pattern stays with the parameter");
    const big = await put({ Name: "/big", Type: "String", Value: "x".repeat(8000), Tier: "Advanced" });
    assert.equal(big.Tier, "Advanced");
    assert.equal((await put({ Name: "/smart", Type: "String", Value: "x".repeat(5000), Tier: "Intelligent-Tiering" })).Tier, "Advanced");
    assert.equal((await put({ Name: "/smart-small", Type: "String", Value: "x", Tier: "Intelligent-Tiering" })).Tier, "Standard");
    assert.equal((await refusal(put({ Name: "/big", Value: "x", Tier: "Standard", Overwrite: true }))).name, "ValidationException", "no way back from Advanced");
  });

  it("deletes one parameter or several, naming those it did not find", async () => {
    for (const n of ["/gone/a", "/gone/b"]) await put({ Name: n, Type: "String", Value: "v" });
    await ssm.send(new DeleteParameterCommand({ Name: "/gone/a" }));
    assert.equal((await refusal(ssm.send(new GetParameterCommand({ Name: "/gone/a" })))).name, "ParameterNotFound");
    const both = await ssm.send(new DeleteParametersCommand({ Names: ["/gone/a", "/gone/b"] }));
    assert.deepEqual([both.DeletedParameters, both.InvalidParameters], [["/gone/b"], ["/gone/a"]]);
  });

  it("keeps each region's parameters apart: eu-west-1 has its own", async () => {
    const eu = ssmOf(server, server.accessKey, "eu-west-1");
    await eu.send(new PutParameterCommand({ Name: "/app/url", Type: "String", Value: "http://eu" }));
    const got = await eu.send(new GetParameterCommand({ Name: "/app/url" }));
    assert.deepEqual([got.Parameter?.Value, got.Parameter?.Version, got.Parameter?.ARN], ["http://eu", 1, `arn:aws:ssm:eu-west-1:${account}:parameter/app/url`]);
    assert.equal((await ssm.send(new GetParameterCommand({ Name: "/app/url" }))).Parameter?.Value, "http://two");
    const cli = JSON.parse((await server.aws("--region", "eu-west-1", "ssm", "get-parameters-by-path", "--path", "/app")).stdout) as { Parameters: { Name: string }[] };
    assert.deepEqual(cli.Parameters.map((p) => p.Name), ["/app/url"]);
  });

  it("IAM: a user allowed ssm:GetParameters on /app/* gets /app/db, and is refused /other/x and any call that names it", async () => {
    await put({ Name: "/app/db", Type: "SecureString", Value: "pw" });
    await put({ Name: "/other/x", Type: "String", Value: "x" });
    const reader = await userWithPolicies(server, "param-reader", {
      app: policyDoc({ Effect: "Allow", Action: "ssm:GetParameters", Resource: `arn:aws:ssm:us-east-1:${account}:parameter/app/*` }),
    });
    const theirs = ssmOf(server, reader);
    const allowed = await theirs.send(new GetParametersCommand({ Names: ["/app/db"], WithDecryption: true }));
    assert.deepEqual(allowed.Parameters?.map((p) => [p.Name, p.Value]), [["/app/db", "pw"]]);
    const other = await refusal(theirs.send(new GetParametersCommand({ Names: ["/other/x"] })));
    assert.deepEqual([other.name, other.status], ["AccessDeniedException", 403]);
    assert.equal(
      other.message,
      `User: arn:aws:iam::${account}:user/param-reader is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:${account}:parameter/other/x because no identity-based policy allows the ssm:GetParameters action`,
    );
    assert.equal((await refusal(theirs.send(new GetParametersCommand({ Names: ["/app/db", "/other/x"] })))).name, "AccessDeniedException");
    assert.equal((await refusal(theirs.send(new GetParameterCommand({ Name: "/app/db" })))).name, "AccessDeniedException", "GetParameter is another action");
    const cli = await awsAs(server, reader, "ssm", "get-parameters", "--names", "/app/db", "/other/x");
    assert.match(cliError(cli).message, /ssm:GetParameters on resource: arn:aws:ssm:us-east-1:\d+:parameter\/other\/x/);
  });
});
