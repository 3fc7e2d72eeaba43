import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { BerthServer } from "./support/berth-server.js";
import { RegistryTools } from "./support/registry-tools.js";

/**
 * A client that starts a blob upload and streams a chunked PATCH of 1 MiB pieces without end,
 * printing `halfway` once 8 MiB are out: the test kills it there.
 */
const slowUploader = `
const http = require("node:http");
const crypto = require("node:crypto");
const [base, auth, repo] = process.argv.slice(1);
(async () => {
  const post = await fetch(base + "/v2/" + repo + "/blobs/uploads/", { method: "POST", headers: { authorization: auth } });
  if (post.status !== 202) throw new Error("POST " + post.status);
  const location = new URL(post.headers.get("location"), base);
  const req = http.request(location, { method: "PATCH", headers: { authorization: auth, "content-type": "application/octet-stream" } });
  req.on("error", () => {});
  const chunk = crypto.randomBytes(1 << 20);
  let sent = 0;
  const write = () => {
    req.write(chunk);
    sent += chunk.length;
    if (sent === 8 << 20) console.log("halfway " + location.pathname);
    setTimeout(write, 5);
  };
  write();
})();
`;

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

describe("ECR registry: an upload whose client dies", () => {
  let server: BerthServer;
  let tools: RegistryTools;
  before(async () => {
    server = await BerthServer.start();
    tools = new RegistryTools(server);
    assert.equal((await server.aws("ecr", "create-repository", "--repository-name", "up")).code, 0);
  });
  after(async () => {
    await tools.cleanUp();
    await server.stop();
  });

  it("leaves no blob, image or tag behind when the client is killed halfway, and a retried push succeeds", async () => {
    const blobsDir = join(server.dataDir, "registry", "blobs");
    const before = countFiles(blobsDir);
    const auth = `Basic ${Buffer.from(`AWS:${await tools.password()}`).toString("base64")}`;
    const child = spawn(process.execPath, ["-e", slowUploader, server.endpoint, auth, "up"], { stdio: ["ignore", "pipe", "inherit"] });
    const uploadPath = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /halfway (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`uploader exited (${code}) before halfway: ${out}`)));
    });
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });

    // Nothing is visible: no blob on disk, no image, no tag. The session itself is internal state GC ends.
    assert.equal(countFiles(blobsDir), before);
    const images = await server.aws("ecr", "list-images", "--repository-name", "up");
    assert.deepEqual(JSON.parse(images.stdout), { imageIds: [] });
    const tags = await fetch(`${server.endpoint}/v2/up/tags/list`, { headers: { authorization: auth } });
    assert.deepEqual(await tags.json(), { name: "up", tags: [] });
    const session = await fetch(`${server.endpoint}${uploadPath}`, { headers: { authorization: auth } });
    assert.equal(session.status, 204, "the session still answers: a client could resume it");

    assert.equal((await tools.login()).code, 0);
    const ref = `${tools.host}/up:latest`;
    await tools.tag("berth-test:latest", ref);
    const push = await tools.docker(["push", ref]);
    assert.equal(push.code, 0, push.stderr);
    const after = await server.aws("ecr", "list-images", "--repository-name", "up");
    assert.equal((JSON.parse(after.stdout) as { imageIds: unknown[] }).imageIds.length, 1);
  });
});
