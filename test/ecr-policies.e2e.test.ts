import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateRepositoryCommand,
  DeleteRegistryPolicyCommand,
  DeleteRepositoryPolicyCommand,
  DescribeRegistryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetRegistryPolicyCommand,
  GetRepositoryPolicyCommand,
  PutRegistryPolicyCommand,
  SetRepositoryPolicyCommand,
} from "@aws-sdk/client-ecr";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const policy = (principal: string, actions: string[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "pull", Effect: "Allow", Principal: { AWS: principal }, Action: actions }] });

/**
 * ECR's repository and registry policies, DescribeRegistry and `--registry-host` against a real
 * server, through the SDK v3 and the AWS CLI.
 */
describe("ECR policies, DescribeRegistry and --registry-host (SDK and CLI, real server)", () => {
  let server: BerthServer;
  let ecr: ECRClient;
  let account = "";
  before(async () => {
    server = await BerthServer.start(undefined, ["--registry-host", "registry.example.test:8443"]);
    ecr = new ECRClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
    account = (await ecr.send(new DescribeRegistryCommand({}))).registryId ?? "";
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "team/app" }));
  });
  after(() => server.stop());

  it("repositoryUri and proxyEndpoint name --registry-host", async () => {
    const repo = await server.aws("ecr", "describe-repositories", "--repository-names", "team/app");
    assert.equal((JSON.parse(repo.stdout) as { repositories: { repositoryUri: string }[] }).repositories[0]?.repositoryUri, "registry.example.test:8443/team/app", repo.stderr);
    const token = await ecr.send(new GetAuthorizationTokenCommand({}));
    assert.equal(token.authorizationData?.[0]?.proxyEndpoint, "http://registry.example.test:8443");
  });

  it("a repository policy is set (CLI), read (SDK), deleted, and then not found", async () => {
    const text = policy(`arn:aws:iam::${account}:root`, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
    const set = await server.aws("ecr", "set-repository-policy", "--repository-name", "team/app", "--policy-text", text);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout), { registryId: account, repositoryName: "team/app", policyText: text });
    const got = await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: "team/app" }));
    assert.deepEqual([got.registryId, got.repositoryName, got.policyText], [account, "team/app", text]);
    const deleted = await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: "team/app" }));
    assert.equal(deleted.policyText, text);
    const gone = await refusal(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: "team/app" })));
    assert.equal(gone.name, "RepositoryPolicyNotFoundException");
    assert.equal(gone.message, `Repository policy does not exist for the repository with name 'team/app' in the registry with id '${account}'`);
  });

  it("refuses a policy that is not a resource policy, and a repository of another account, changing nothing", async () => {
    for (const bad of ["not json", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ecr:*" }] }), JSON.stringify({ Statement: [] })]) {
      const r = await refusal(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: "team/app", policyText: bad })));
      assert.equal(r.name, "InvalidParameterException", bad);
      assert.match(r.message, /Invalid repository policy provided/);
    }
    assert.equal((await refusal(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: "team/app" })))).name, "RepositoryPolicyNotFoundException");
    const other = await refusal(ecr.send(new SetRepositoryPolicyCommand({ registryId: "999999999999", repositoryName: "team/app", policyText: policy("*", ["ecr:*"]) })));
    assert.equal(other.name, "RepositoryNotFoundException");
    assert.match(other.message, /registry with id '999999999999'/);
  });

  it("the registry policy is put (SDK), read (CLI), deleted; DescribeRegistry names the account with no replication rules", async () => {
    const text = policy(`arn:aws:iam::${account}:root`, ["ecr:ReplicateImage", "ecr:CreateRepository"]);
    assert.deepEqual(await refusal(ecr.send(new GetRegistryPolicyCommand({}))).then((r) => r.name), "RegistryPolicyNotFoundException");
    const put = await ecr.send(new PutRegistryPolicyCommand({ policyText: text }));
    assert.deepEqual([put.registryId, put.policyText], [account, text]);
    const cli = await server.aws("ecr", "get-registry-policy");
    assert.deepEqual(JSON.parse(cli.stdout), { registryId: account, policyText: text }, cli.stderr);
    assert.equal((await ecr.send(new DeleteRegistryPolicyCommand({}))).policyText, text);
    assert.equal((await refusal(ecr.send(new DeleteRegistryPolicyCommand({})))).name, "RegistryPolicyNotFoundException");

    const registry = await server.aws("ecr", "describe-registry");
    assert.deepEqual(JSON.parse(registry.stdout), { registryId: account, replicationConfiguration: { rules: [] } }, registry.stderr);
  });
});
