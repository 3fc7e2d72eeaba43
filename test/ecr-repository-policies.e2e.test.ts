import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthServer } from "./support/berth-server.js";
import { awsAs, clients, policyDoc, userWithPolicies, type Creds } from "./support/iam-tools.js";
import { RegistryTools } from "./support/registry-tools.js";

const testImage = "berth-test:latest";
const pullActions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];

describe("ECR repository policies are enforced with the caller's own, for docker and the API", () => {
  let server: BerthServer;
  let root: RegistryTools;
  const toolsOf: RegistryTools[] = [];
  let account = "";
  let repoArn = "";
  let ref = "";

  async function dockerAs(creds: Creds): Promise<RegistryTools> {
    const tools = new RegistryTools(server);
    toolsOf.push(tools);
    const password = await awsAs(server, creds, "ecr", "get-login-password");
    assert.equal(password.code, 0, password.stderr);
    const login = await tools.login(password.stdout.trim());
    assert.equal(login.code, 0, login.stderr);
    tools.track(ref);
    return tools;
  }

  /** docker pull, then the image removed again so that the next pull asks the registry. */
  async function pull(tools: RegistryTools) {
    const r = await tools.docker(["pull", ref]);
    if (r.code === 0) assert.equal((await tools.docker(["rmi", ref])).code, 0);
    return r;
  }

  const setPolicy = async (...statements: object[]) => {
    const r = await server.aws("ecr", "set-repository-policy", "--repository-name", "team/app", "--policy-text", policyDoc(...statements));
    assert.equal(r.code, 0, r.stderr);
  };
  const deletePolicy = async () => assert.equal((await server.aws("ecr", "delete-repository-policy", "--repository-name", "team/app")).code, 0);

  before(async () => {
    server = await BerthServer.start();
    account = (await clients(server).sts.send(new GetCallerIdentityCommand({}))).Account!;
    repoArn = `arn:aws:ecr:us-east-1:${account}:repository/team/app`;
    const created = await server.aws("ecr", "create-repository", "--repository-name", "team/app");
    assert.equal(created.code, 0, created.stderr);
    root = new RegistryTools(server);
    assert.equal((await root.login()).code, 0);
    ref = `${root.host}/team/app:v1`;
    await root.tag(testImage, ref);
    const push = await root.docker(["push", ref]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await root.docker(["rmi", ref])).code, 0);
  });
  after(async () => {
    for (const t of toolsOf) await t.cleanUp();
    await root.cleanUp();
    await server.stop();
  });

  it("a Deny naming a user allowed ecr:* by its identity policy refuses its docker pull and API calls, until the policy is deleted", async () => {
    const creds = await userWithPolicies(server, "admin", { all: policyDoc({ Effect: "Allow", Action: "ecr:*", Resource: "*" }) });
    const docker = await dockerAs(creds);
    const before = await pull(docker);
    assert.equal(before.code, 0, before.stderr);

    await setPolicy({ Sid: "NoAdminPulls", Effect: "Deny", Principal: { AWS: `arn:aws:iam::${account}:user/admin` }, Action: pullActions });
    const refused = await pull(docker);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      new RegExp(`denied: User: arn:aws:iam::${account}:user/admin is not authorized to perform: ecr:(BatchGetImage|GetDownloadUrlForLayer) on resource: ${repoArn} with an explicit deny in a resource-based policy`),
    );
    const api = await awsAs(server, creds, "ecr", "batch-get-image", "--repository-name", "team/app", "--image-ids", "imageTag=v1");
    assert.notEqual(api.code, 0);
    assert.match(api.stderr, new RegExp(`AccessDeniedException.*User: arn:aws:iam::${account}:user/admin is not authorized to perform: ecr:BatchGetImage on resource: ${repoArn} with an explicit deny in a resource-based policy`));
    // Actions the Deny does not name stay allowed by the identity policy.
    const described = await awsAs(server, creds, "ecr", "describe-images", "--repository-name", "team/app");
    assert.equal(described.code, 0, described.stderr);
    // Root keeps full access.
    const rootPull = await pull(root);
    assert.equal(rootPull.code, 0, rootPull.stderr);

    await deletePolicy();
    const again = await pull(docker);
    assert.equal(again.code, 0, again.stderr);
  });

  it("a user with no identity policy for the repository pulls once the repository policy's Allow names it, and only what it allows", async () => {
    const creds = await userWithPolicies(server, "reader", { login: policyDoc({ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }) });
    const docker = await dockerAs(creds);
    const before = await pull(docker);
    assert.notEqual(before.code, 0);
    assert.match(before.stderr, new RegExp(`denied: User: arn:aws:iam::${account}:user/reader is not authorized to perform: ecr:BatchGetImage on resource: ${repoArn} because no identity-based policy allows the ecr:BatchGetImage action`));

    // Naming the account only delegates to the user's own policies: still refused.
    await setPolicy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: pullActions });
    assert.notEqual((await pull(docker)).code, 0);

    await setPolicy({ Sid: "ReaderPulls", Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${account}:user/reader`] }, Action: pullActions });
    const pulled = await pull(docker);
    assert.equal(pulled.code, 0, pulled.stderr);
    const api = await awsAs(server, creds, "ecr", "batch-get-image", "--repository-name", "team/app", "--image-ids", "imageTag=v1");
    assert.equal(api.code, 0, api.stderr);
    assert.equal((JSON.parse(api.stdout) as { images: unknown[] }).images.length, 1);
    const notGranted = await awsAs(server, creds, "ecr", "delete-repository-policy", "--repository-name", "team/app");
    assert.notEqual(notGranted.code, 0);
    assert.match(notGranted.stderr, /AccessDeniedException.*ecr:DeleteRepositoryPolicy .*because no identity-based policy allows/);

    await deletePolicy();
    assert.notEqual((await pull(docker)).code, 0);
  });

  it("a repository policy IAM cannot read is refused as ECR refuses it, and the stored one stays", async () => {
    await setPolicy({ Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage" });
    const bad = await server.aws("ecr", "set-repository-policy", "--repository-name", "team/app", "--policy-text", policyDoc({ Effect: "Allow", Principal: "*", Action: "BatchGetImage" }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidParameterException.*Invalid repository policy provided/);
    const got = await server.aws("ecr", "get-repository-policy", "--repository-name", "team/app");
    assert.match((JSON.parse(got.stdout) as { policyText: string }).policyText, /"Principal":"\*"/);
    await deletePolicy();
  });

  it("in eu-west-1, the region's own repository policy decides; us-east-1's repository of the same name is not affected", async () => {
    const region = "eu-west-1";
    const euRoot = new RegistryTools(server, ["--region", region]);
    toolsOf.push(euRoot);
    const created = await server.aws("--region", region, "ecr", "create-repository", "--repository-name", "team/app");
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await euRoot.login()).code, 0);
    await euRoot.tag(testImage, ref);
    const push = await euRoot.docker(["push", ref]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await euRoot.docker(["rmi", ref])).code, 0);
    const set = await server.aws("--region", region, "ecr", "set-repository-policy", "--repository-name", "team/app", "--policy-text", policyDoc({ Effect: "Deny", Principal: "*", Action: "ecr:BatchGetImage" }));
    assert.equal(set.code, 0, set.stderr);

    const creds = await userWithPolicies(server, "roamer", { all: policyDoc({ Effect: "Allow", Action: "ecr:*", Resource: "*" }) });
    const eu = new RegistryTools(server);
    toolsOf.push(eu);
    const password = await awsAs(server, creds, "--region", region, "ecr", "get-login-password");
    assert.equal(password.code, 0, password.stderr);
    assert.equal((await eu.login(password.stdout.trim())).code, 0);
    eu.track(ref);
    const refused = await pull(eu);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`denied: User: arn:aws:iam::${account}:user/roamer is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:${region}:${account}:repository/team/app with an explicit deny in a resource-based policy`));

    const home = await dockerAs(creds);
    const pulled = await pull(home);
    assert.equal(pulled.code, 0, pulled.stderr);
  });
});
