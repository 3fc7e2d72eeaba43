import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ECRClient, GetAccountSettingCommand, GetSigningConfigurationCommand, PutAccountSettingCommand } from "@aws-sdk/client-ecr";
import { BerthServer } from "./support/berth-server.js";
import { RegistryTools } from "./support/registry-tools.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const testImage = "berth-test:latest";
const eu = ["--region", "eu-west-1"];

/**
 * Issue 20, ECR: scanning configuration stored and answered, scans answered FAILED with the reason
 * (Berth has no scanner, and invents no findings), account settings, lifecycle policies'
 * lastEvaluatedAt, and the operations Berth refuses, each with its reason. The AWS CLI in eu-west-1,
 * and the SDK v3 for what the CLI (2.9) does not know.
 */
describe("ECR scanning, account settings, lastEvaluatedAt and refusals (eu-west-1)", () => {
  let server: BerthServer;
  let tools: RegistryTools;
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await server.aws(...eu, ...args);
    assert.equal(r.code, 0, `aws ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout || "{}") as T;
  };
  const fails = async (pattern: RegExp, ...args: string[]) => {
    const r = await server.aws(...eu, ...args);
    assert.notEqual(r.code, 0, `aws ${args.join(" ")} should fail`);
    assert.match(r.stderr, pattern);
  };

  before(async () => {
    server = await BerthServer.start(undefined, ["--registry-gc-interval", "200ms"]);
    tools = new RegistryTools(server, eu);
  });
  after(async () => {
    await tools?.cleanUp();
    await server?.stop();
  });

  it("echoes scanOnPush, stores registry and repository scanning configuration, and answers scans FAILED with the reason", async () => {
    const created = await json<{ repository: { imageScanningConfiguration: { scanOnPush: boolean } } }>("ecr", "create-repository", "--repository-name", "scan/app", "--image-scanning-configuration", "scanOnPush=true");
    assert.deepEqual(created.repository.imageScanningConfiguration, { scanOnPush: true });
    await json("ecr", "create-repository", "--repository-name", "plain");
    const put = await json<{ imageScanningConfiguration: { scanOnPush: boolean } }>("ecr", "put-image-scanning-configuration", "--repository-name", "plain", "--image-scanning-configuration", "scanOnPush=true");
    assert.deepEqual(put.imageScanningConfiguration, { scanOnPush: true });
    await json("ecr", "put-image-scanning-configuration", "--repository-name", "plain", "--image-scanning-configuration", "scanOnPush=false");
    const described = await json<{ repositories: { imageScanningConfiguration: { scanOnPush: boolean } }[] }>("ecr", "describe-repositories", "--repository-names", "plain");
    assert.equal(described.repositories[0]!.imageScanningConfiguration.scanOnPush, false);

    const before = await json<{ scanningConfiguration: unknown }>("ecr", "get-registry-scanning-configuration");
    assert.deepEqual(before.scanningConfiguration, { scanType: "BASIC", rules: [] });
    await fails(/InvalidParameterException.*CONTINUOUS_SCAN is a scan frequency of ENHANCED/, "ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC", "--rules", JSON.stringify([{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }]));
    const rules = [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "scan/*", filterType: "WILDCARD" }] }];
    await json("ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC", "--rules", JSON.stringify(rules));
    assert.deepEqual((await json<{ scanningConfiguration: unknown }>("ecr", "get-registry-scanning-configuration")).scanningConfiguration, { scanType: "BASIC", rules });
    const batch = await json<{ scanningConfigurations: { repositoryName: string; scanFrequency: string; appliedScanFilters: unknown[] }[]; failures: { repositoryName: string; failureCode: string }[] }>(
      "ecr", "batch-get-repository-scanning-configuration", "--repository-names", "scan/app", "plain", "nowhere",
    );
    assert.deepEqual(batch.scanningConfigurations.map((c) => [c.repositoryName, c.scanFrequency, c.appliedScanFilters.length]), [["scan/app", "SCAN_ON_PUSH", 1], ["plain", "MANUAL", 0]]);
    assert.deepEqual(batch.failures.map((f) => [f.repositoryName, f.failureCode]), [["nowhere", "REPOSITORY_NOT_FOUND"]]);

    assert.equal((await tools.login()).code, 0);
    const ref = `${tools.host}/scan/app:v1`;
    await tools.tag(testImage, ref);
    const pushed = await tools.docker(["push", ref]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const scan = await json<{ imageScanStatus: { status: string; description: string } }>("ecr", "start-image-scan", "--repository-name", "scan/app", "--image-id", "imageTag=v1");
    assert.equal(scan.imageScanStatus.status, "FAILED");
    assert.match(scan.imageScanStatus.description, /not available in Berth/);
    const findings = await json<{ imageScanStatus: { status: string }; imageScanFindings?: unknown }>("ecr", "describe-image-scan-findings", "--repository-name", "scan/app", "--image-id", "imageTag=v1");
    assert.equal(findings.imageScanStatus.status, "FAILED");
    assert.equal(findings.imageScanFindings ?? undefined, undefined, "no invented findings");
    await fails(/ImageNotFoundException/, "ecr", "start-image-scan", "--repository-name", "scan/app", "--image-id", "imageTag=nope");
  });

  it("stores ECR's account settings per region, with their defaults, and refuses unknown names and values (SDK v3)", async () => {
    const client = (region: string) => new ECRClient({ endpoint: server.endpoint, region, credentials: server.accessKey, ...testSdkRetry });
    const ecr = client("eu-west-1");
    const value = async (name: string, c = ecr) => (await c.send(new GetAccountSettingCommand({ name }))).value;
    assert.equal(await value("BASIC_SCAN_TYPE_VERSION"), "AWS_NATIVE");
    const put = await ecr.send(new PutAccountSettingCommand({ name: "REGISTRY_POLICY_SCOPE", value: "V1" }));
    assert.deepEqual([put.name, put.value], ["REGISTRY_POLICY_SCOPE", "V1"]);
    assert.equal(await value("REGISTRY_POLICY_SCOPE"), "V1");
    assert.equal(await value("REGISTRY_POLICY_SCOPE", client("us-east-1")), "V2", "us-east-1 keeps its own");
    await assert.rejects(ecr.send(new PutAccountSettingCommand({ name: "REGISTRY_POLICY_SCOPE", value: "V9" })), (e: Error) => e.name === "InvalidParameterException" && /takes V1 or V2/.test(e.message));
    await assert.rejects(ecr.send(new GetAccountSettingCommand({ name: "NO_SUCH_SETTING" })), (e: Error) => e.name === "InvalidParameterException" && /not an account setting/.test(e.message));
  });

  it("answers lastEvaluatedAt once maintenance has run the lifecycle policy, in Get and Delete", async () => {
    await json("ecr", "create-repository", "--repository-name", "aging");
    const policy = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 5 }, action: { type: "expire" } }] });
    const put = await json<{ lastEvaluatedAt?: string }>("ecr", "put-lifecycle-policy", "--repository-name", "aging", "--lifecycle-policy-text", policy);
    assert.equal(put.lastEvaluatedAt, undefined);
    const since = Date.now() - 1000;
    const got = await until("the lifecycle policy evaluated", async () => (await json<{ lastEvaluatedAt?: string }>("ecr", "get-lifecycle-policy", "--repository-name", "aging")).lastEvaluatedAt);
    assert.ok(Date.parse(got) >= since && Date.parse(got) <= Date.now() + 1000, `lastEvaluatedAt ${got}`);
    const deleted = await json<{ lastEvaluatedAt?: string }>("ecr", "delete-lifecycle-policy", "--repository-name", "aging");
    assert.ok(deleted.lastEvaluatedAt !== undefined && Date.parse(deleted.lastEvaluatedAt) >= Date.parse(got));
  });

  it("refuses what needs AWS itself, naming the reason", async () => {
    await fails(/ValidationException.*DescribePullThroughCacheRules is not offered by Berth: pull-through cache rules fetch from upstream registries/, "ecr", "describe-pull-through-cache-rules");
    const ecr = new ECRClient({ endpoint: server.endpoint, region: "eu-west-1", credentials: server.accessKey, ...testSdkRetry });
    await assert.rejects(ecr.send(new GetSigningConfigurationCommand({})), (e: Error) => e.name === "ValidationException" && /GetSigningConfiguration is not offered by Berth: managed image signing/.test(e.message));
  });
});
