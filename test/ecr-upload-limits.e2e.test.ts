import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BerthServer } from "./support/berth-server.js";
import { RegistryTools } from "./support/registry-tools.js";

describe("ECR registry: upload-session limits leave real pushes alone", () => {
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

  it("docker pushes two 12-layer images at once under the default limits, pulls one back, and leaves no session open", async () => {
    for (const repo of ["many-a", "many-b"]) assert.equal((await server.aws("ecr", "create-repository", "--repository-name", repo)).code, 0);
    assert.equal((await tools.login()).code, 0);
    const refs = [`${tools.host}/many-a:v1`, `${tools.host}/many-b:v1`];
    for (const ref of refs) await tools.multiLayerImage(ref, 12, 512 * 1024);

    const pushes = await Promise.all(refs.map((ref) => tools.docker(["push", ref])));
    for (const p of pushes) assert.equal(p.code, 0, p.stderr);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushes[0]!.stdout)?.[1];
    assert.ok(digest, pushes[0]!.stdout);

    assert.equal((await tools.docker(["rmi", refs[0]!])).code, 0);
    const pull = await tools.docker(["pull", refs[0]!]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(await tools.repoDigest(refs[0]!), digest);
    const described = await server.aws("ecr", "describe-images", "--repository-name", "many-b");
    assert.equal((JSON.parse(described.stdout) as { imageDetails: unknown[] }).imageDetails.length, 1);
    assert.deepEqual(readdirSync(join(server.dataDir, "registry", "uploads")), [], "every session was completed");
  });
});

describe("ECR registry: upload-session limits from server flags", () => {
  let server: BerthServer;
  let tools: RegistryTools;
  before(async () => {
    server = await BerthServer.start(undefined, ["--registry-max-upload-sessions", "2", "--registry-max-upload-bytes", "1KiB"]);
    tools = new RegistryTools(server);
    assert.equal((await server.aws("ecr", "create-repository", "--repository-name", "capped")).code, 0);
  });
  after(async () => {
    await tools.cleanUp();
    await server.stop();
  });

  const basic = (password: string): string => `Basic ${Buffer.from(`AWS:${password}`).toString("base64")}`;
  const post = (auth: string): Promise<Response> => fetch(`${server.endpoint}/v2/capped/blobs/uploads/`, { method: "POST", headers: { authorization: auth } });

  it("charges sessions to the caller of GetAuthorizationToken: 429 TOOMANYREQUESTS past either limit, naming the flag", async () => {
    const auth = basic(await tools.password());
    const first = await post(auth);
    assert.equal(first.status, 202);
    assert.equal((await post(auth)).status, 202);
    const third = await post(auth);
    assert.equal(third.status, 429);
    const body = (await third.json()) as { errors: { code: string; message: string }[] };
    assert.equal(body.errors[0]?.code, "TOOMANYREQUESTS");
    assert.match(body.errors[0]?.message ?? "", new RegExp(`'arn:aws:iam::000000000000:root' holds 2 and the limit is 2.*--registry-max-upload-sessions`));

    const location = new URL(first.headers.get("location") ?? "", server.endpoint);
    const big = await fetch(location, { method: "PATCH", body: Buffer.alloc(2048), headers: { authorization: auth } });
    assert.equal(big.status, 429);
    assert.match(await big.text(), /TOOMANYREQUESTS.*--registry-max-upload-bytes/);
    assert.equal((await fetch(location, { method: "PATCH", body: Buffer.alloc(1024), headers: { authorization: auth } })).status, 202);
  });

  it("accepts a password issued before tokens named a principal, as one legacy principal with limits of its own", async () => {
    const secret = Buffer.from(readFileSync(join(server.dataDir, "registry", "token-secret"), "utf8").trim(), "hex");
    const payload = `berth1.${Date.now() + 3_600_000}`;
    const legacy = basic(`${payload}.${createHmac("sha256", secret).update(payload).digest("base64url")}`);
    assert.equal((await post(legacy)).status, 202, "its own sessions, not the caller's full two");
    assert.equal((await post(legacy)).status, 202);
    assert.equal((await post(legacy)).status, 429);
  });
});
