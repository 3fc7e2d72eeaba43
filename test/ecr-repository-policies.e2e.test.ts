import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BerthServer } from "./support/berth-server.js";
import { awsAs, policyDoc, userWithPolicies } from "./support/iam-tools.js";
import type { RegistryTools } from "./support/registry-tools.js";
import { pullActions, pushTestImage, SeededRepository } from "./support/seeded-repository.js";

describe("ECR repository policies are enforced with the caller's own, for docker and the API", () => {
  let seeded: SeededRepository;
  let server: BerthServer;
  let root: RegistryTools;
  let account = "";
  let repoArn = "";
  let ref = "";

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
    seeded = await SeededRepository.start();
    ({ server, root, account, repoArn, ref } = seeded);
  });
  after(async () => {
    await seeded.stop();
  });

  it("a Deny naming a user allowed ecr:* by its identity policy refuses its docker pull and API calls, until the policy is deleted", async () => {
    const creds = await userWithPolicies(server, "admin", { all: policyDoc({ Effect: "Allow", Action: "ecr:*", Resource: "*" }) });
    const docker = await seeded.dockerAs(creds);
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
    const docker = await seeded.dockerAs(creds);
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
    const euRoot = seeded.tools(["--region", region]);
    const created = await server.aws("--region", region, "ecr", "create-repository", "--repository-name", "team/app");
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await euRoot.login()).code, 0);
    await pushTestImage(euRoot, ref);
    const set = await server.aws("--region", region, "ecr", "set-repository-policy", "--repository-name", "team/app", "--policy-text", policyDoc({ Effect: "Deny", Principal: "*", Action: "ecr:BatchGetImage" }));
    assert.equal(set.code, 0, set.stderr);

    const creds = await userWithPolicies(server, "roamer", { all: policyDoc({ Effect: "Allow", Action: "ecr:*", Resource: "*" }) });
    const eu = await seeded.dockerAs(creds, "--region", region);
    const refused = await pull(eu);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`denied: User: arn:aws:iam::${account}:user/roamer is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:${region}:${account}:repository/team/app with an explicit deny in a resource-based policy`));

    const home = await seeded.dockerAs(creds);
    const pulled = await pull(home);
    assert.equal(pulled.code, 0, pulled.stderr);
  });
});
