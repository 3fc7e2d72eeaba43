import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BerthServer } from "./support/berth-server.js";
import { awsAs, policyDoc, userWithPolicies } from "./support/iam-tools.js";
import type { RegistryTools } from "./support/registry-tools.js";
import { pullActions, SeededRepository } from "./support/seeded-repository.js";

const pushActions = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"];

describe("IAM on the registry: docker pull and push need ECR's actions on the repository (acceptance 3)", () => {
  let seeded: SeededRepository;
  let server: BerthServer;
  let root: RegistryTools;
  let account = "";
  let repoArn = "";
  let ref = "";

  const user = (name: string, actions: string[]) =>
    userWithPolicies(server, name, {
      login: policyDoc({ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }),
      repo: policyDoc({ Effect: "Allow", Action: actions, Resource: repoArn }),
    });

  before(async () => {
    seeded = await SeededRepository.start();
    ({ server, root, account, repoArn, ref } = seeded);
  });
  after(async () => {
    await seeded.stop();
  });

  it("a user with every pull action but ecr:BatchGetImage cannot docker pull: denied in IAM's words", async () => {
    const creds = await user("no-manifests", pullActions.filter((a) => a !== "ecr:BatchGetImage"));
    const docker = await seeded.dockerAs(creds);
    const pull = await docker.docker(["pull", ref]);
    assert.notEqual(pull.code, 0);
    assert.match(
      pull.stderr,
      new RegExp(`denied: User: arn:aws:iam::${account}:user/no-manifests is not authorized to perform: ecr:BatchGetImage on resource: ${repoArn} because no identity-based policy allows the ecr:BatchGetImage action`),
    );
  });

  it("a user without ecr:GetAuthorizationToken gets no registry password at all", async () => {
    const creds = await userWithPolicies(server, "no-login", { p: policyDoc({ Effect: "Allow", Action: pullActions, Resource: repoArn }) });
    const password = await awsAs(server, creds, "ecr", "get-login-password");
    assert.notEqual(password.code, 0);
    assert.match(password.stderr, /AccessDeniedException.*ecr:GetAuthorizationToken on resource: \*/);
  });

  it("the pull actions let a user pull but not push; the push actions too let it push", async () => {
    const reader = await seeded.dockerAs(await user("reader", pullActions));
    const pull = await reader.docker(["pull", ref]);
    assert.equal(pull.code, 0, pull.stderr);

    const newRef = `${root.host}/team/app:from-reader`;
    await reader.randomImage(newRef, 4096);
    const refused = await reader.docker(["push", newRef]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`denied: User: arn:aws:iam::${account}:user/reader is not authorized to perform: ecr:(InitiateLayerUpload|PutImage) on resource: ${repoArn}`));

    const pusher = await seeded.dockerAs(await user("pusher", [...pullActions, ...pushActions]));
    const pushedRef = `${root.host}/team/app:from-pusher`;
    await pusher.randomImage(pushedRef, 4096);
    const pushed = await pusher.docker(["push", pushedRef]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const listed = await server.aws("ecr", "list-images", "--repository-name", "team/app");
    const tags = (JSON.parse(listed.stdout) as { imageIds: { imageTag?: string }[] }).imageIds.map((i) => i.imageTag).sort();
    assert.deepEqual(tags, ["from-pusher", "v1"]);
  });
});
