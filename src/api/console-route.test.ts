import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { RefusalLog } from "../observability/refusal-log.js";
import { consoleAsset } from "./console-assets.js";
import { consoleRoute } from "./console-route.js";
import { createHttpServer, type HttpFront } from "./http-server.js";
import type { ApiHandler } from "./front-doors.js";

describe("consoleAsset: which build file a raw request path names", () => {
  const cases: [method: string, target: string, expected: string][] = [
    ["GET", "/console", "index.html text/html; charset=utf-8"],
    ["GET", "/console/", "index.html text/html; charset=utf-8"],
    ["HEAD", "/console/?x=1", "index.html text/html; charset=utf-8"],
    ["GET", "/console/app.js", "app.js text/javascript; charset=utf-8"],
    ["GET", "/console/app.css", "app.css text/css; charset=utf-8"],
    ["GET", "/console/app.js.map", "app.js.map application/json; charset=utf-8"],
    ["GET", "/console/../data", "not-found"],
    ["GET", "/console/%2e%2e/", "not-found"],
    ["GET", "/console/..%2fcredentials", "not-found"],
    ["GET", "/console/.env", "not-found"],
    ["GET", "/console/a/app.js", "not-found"],
    ["GET", "/console/app.exe", "not-found"],
    ["GET", "/console/README", "not-found"],
    ["GET", "/consoles", "not-found"],
    ["GET", "/console//app.js", "not-found"],
    ["GET", "/console/app.js\\..\\x", "not-found"],
    ["POST", "/console/", "method-not-allowed"],
    ["DELETE", "/console/app.js", "method-not-allowed"],
  ];
  for (const [method, target, expected] of cases) {
    it(`${method} ${target} → ${expected}`, () => {
      const a = consoleAsset(method, target);
      assert.equal(a.kind === "file" ? `${a.name} ${a.contentType}` : a.kind, expected);
    });
  }
});

/** A raw HTTP request (the path sent exactly as given, `..` and escapes included). */
function raw(port: number, method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the console's files on the API port", () => {
  const root = mkdtempSync(join(tmpdir(), "berth-console-route-"));
  const build = join(root, "console");
  let front: HttpFront;
  let port = 0;
  const apiAnswer: ApiHandler = () => Promise.resolve({ status: 418, headers: {}, body: "the API" });

  before(async () => {
    mkdirSync(build);
    mkdirSync(join(build, "sub.js"));
    mkdirSync(join(root, "data"));
    writeFileSync(join(root, "data", "credentials"), "SECRET-KEY");
    writeFileSync(join(root, "data", "leak.js"), "SECRET-KEY");
    writeFileSync(join(build, "index.html"), "<!doctype html><title>Berth</title>");
    writeFileSync(join(build, "app.js"), "console.log(1)");
    writeFileSync(join(build, "app.css"), "body{}");
    symlinkSync(join(root, "data", "leak.js"), join(build, "leak.js"));
    const logger = pino({ level: "silent" });
    front = createHttpServer({
      logger,
      refusals: new RefusalLog({ logger, intervalMs: 60_000 }),
      limits: { headersTimeoutMs: 5000, bodyTimeoutMs: 5000, streamIdleTimeoutMs: 5000, keepAliveTimeoutMs: 1000, maxConnections: 10 },
    });
    front.serve({ api: { awsJson: apiAnswer, awsQuery: apiAnswer, rpcV2Cbor: apiAnswer }, streaming: [consoleRoute(build)] });
    await new Promise<void>((resolve) => front.server.listen(0, "127.0.0.1", resolve));
    port = (front.server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => front.server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it("serves the page at /console and /console/ with a strict CSP, nosniff and no framing", async () => {
    for (const path of ["/console", "/console/"]) {
      const res = await raw(port, "GET", path);
      assert.equal(res.status, 200);
      assert.equal(res.body, "<!doctype html><title>Berth</title>");
      assert.equal(res.headers["content-type"], "text/html; charset=utf-8");
      const csp = String(res.headers["content-security-policy"]);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers["x-content-type-options"], "nosniff");
      assert.equal(res.headers["x-frame-options"], "DENY");
    }
  });

  it("serves the script and style with their content types, and HEAD without a body", async () => {
    const js = await raw(port, "GET", "/console/app.js");
    assert.deepEqual([js.status, js.headers["content-type"], js.body], [200, "text/javascript; charset=utf-8", "console.log(1)"]);
    const css = await raw(port, "GET", "/console/app.css");
    assert.deepEqual([css.status, css.headers["content-type"], css.body], [200, "text/css; charset=utf-8", "body{}"]);
    const head = await raw(port, "HEAD", "/console/app.js");
    assert.deepEqual([head.status, head.headers["content-length"], head.body], [200, "14", ""]);
  });

  it("answers 404 for unknown files, directories and links that lead outside the build", async () => {
    for (const path of ["/console/nope.js", "/console/sub.js", "/console/leak.js", "/console/credentials", "/console/.git"]) {
      const res = await raw(port, "GET", path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(res.body, /SECRET/, path);
      assert.equal(res.headers["x-content-type-options"], "nosniff", path);
    }
  });

  it("never serves a file outside the build, however the path is written", async () => {
    for (const path of ["/console/../data/credentials", "/console/%2e%2e/data/credentials", "/console/..%2fdata%2fcredentials", "/console/%2e%2e%2fdata%2fcredentials", "/console/..\\data\\credentials", "/console/./../data/leak.js"]) {
      const res = await raw(port, "GET", path);
      assert.notEqual(res.status, 200, path);
      assert.doesNotMatch(res.body, /SECRET/, path);
    }
  });

  it("refuses other methods with 405 and leaves everything else to the API", async () => {
    const post = await raw(port, "POST", "/console/");
    assert.deepEqual([post.status, post.headers.allow], [405, "GET, HEAD"]);
    const api = await raw(port, "POST", "/");
    assert.notEqual(api.body, "<!doctype html><title>Berth</title>");
  });
});
