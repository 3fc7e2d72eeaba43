import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { issuePassword } from "../src/registry/auth-token.js";
import { BerthServer } from "./support/berth-server.js";
import { RegistryTools } from "./support/registry-tools.js";

const testImage = "berth-test:latest";

describe("ECR registry with the real docker CLI and AWS CLI", () => {
  let server: BerthServer;
  let tools: RegistryTools;
  before(async () => {
    server = await BerthServer.start();
    tools = new RegistryTools(server);
  });
  after(async () => {
    await tools.cleanUp();
    await server.stop();
  });

  it("create-repository, get-login-password | docker login, push, rmi, pull: one digest, shown by describe-images and list-images", async () => {
    const created = await server.aws("ecr", "create-repository", "--repository-name", "hello");
    assert.equal(created.code, 0, created.stderr);
    const repo = (JSON.parse(created.stdout) as { repository: { repositoryUri: string } }).repository;
    assert.equal(repo.repositoryUri, `${tools.host}/hello`);

    const login = await tools.login();
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Login Succeeded/);

    const ref = `${tools.host}/hello:latest`;
    await tools.tag(testImage, ref);
    const pushed = await tools.pushAndPullBack(ref);

    const described = await server.aws("ecr", "describe-images", "--repository-name", "hello");
    assert.equal(described.code, 0, described.stderr);
    const [detail] = (JSON.parse(described.stdout) as { imageDetails: { imageDigest: string; imageTags: string[]; imageSizeInBytes: number; imageManifestMediaType: string }[] }).imageDetails;
    assert.equal(detail?.imageDigest, pushed);
    assert.deepEqual(detail?.imageTags, ["latest"]);
    assert.ok((detail?.imageSizeInBytes ?? 0) > 0);
    assert.equal(detail?.imageManifestMediaType, "application/vnd.docker.distribution.manifest.v2+json");

    const listed = await server.aws("ecr", "list-images", "--repository-name", "hello");
    assert.deepEqual(JSON.parse(listed.stdout), { imageIds: [{ imageDigest: pushed, imageTag: "latest" }] });
  });

  it("answers 401 with a Basic challenge without credentials, with a wrong password, an expired one, or an access key", async () => {
    const base = `${server.endpoint}/v2/hello/manifests/latest`;
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
    const secret = Buffer.from(readFileSync(join(server.dataDir, "registry", "token-secret"), "utf8").trim(), "hex");
    const refused: [string, Record<string, string>][] = [
      ["no credentials", {}],
      ["a wrong password", basic("AWS", "not-the-password")],
      ["an expired password", basic("AWS", issuePassword(secret, Date.now() - 1000, "AKIA-expired", "us-east-1"))],
      ["the server's access key pair", basic(server.accessKey.accessKeyId, server.accessKey.secretAccessKey)],
      ["a good password for another user", basic("root", await tools.password())],
    ];
    for (const [what, headers] of refused) {
      const res = await fetch(base, { headers });
      assert.equal(res.status, 401, what);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Basic realm="/, what);
      assert.equal(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code, "UNAUTHORIZED", what);
    }
    const ok = await fetch(base, { headers: basic("AWS", await tools.password()) });
    assert.equal(ok.status, 200);
  });

  it("refuses docker push and pull without a login or with a wrong password", async () => {
    const ref = `${tools.host}/hello:latest`;
    assert.equal((await tools.docker(["logout", tools.host])).code, 0);
    const pull = await tools.docker(["pull", ref]);
    assert.notEqual(pull.code, 0);
    assert.match(pull.stderr, /no basic auth credentials|unauthorized|authentication required/i);
    const push = await tools.docker(["push", ref]);
    assert.notEqual(push.code, 0);
    assert.match(push.stderr + push.stdout, /no basic auth credentials|unauthorized|authentication required/i);
    const badLogin = await tools.login("wrong-password");
    assert.notEqual(badLogin.code, 0);
    assert.match(badLogin.stderr, /401|unauthorized/i);
  });

  it("refuses to move an existing tag of an IMMUTABLE repository with ECR's message, and accepts the same image again", async () => {
    const created = await server.aws("ecr", "create-repository", "--repository-name", "fixed", "--image-tag-mutability", "IMMUTABLE");
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await tools.login()).code, 0);
    const ref = `${tools.host}/fixed:v1`;
    await tools.tag(testImage, ref);
    assert.equal((await tools.docker(["push", ref])).code, 0);
    assert.equal((await tools.docker(["push", ref])).code, 0, "pushing the same image again is fine");

    const other = `berth-ecr-e2e-other:${Date.now()}`;
    await tools.randomImage(other, 4096);
    await tools.tag(other, ref);
    const moved = await tools.docker(["push", ref]);
    assert.notEqual(moved.code, 0);
    assert.match(moved.stderr + moved.stdout, /The image tag 'v1' already exists in the 'fixed' repository and cannot be overwritten because the repository is immutable/);
  });
});
