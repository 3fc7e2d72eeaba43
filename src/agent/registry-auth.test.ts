import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DockerError } from "./docker/errors.js";
import { dockerAuth, registryOf, RegistryAuth, type AuthorizationData } from "./registry-auth.js";

describe("registryOf", () => {
  const cases: [string, string | undefined][] = [
    ["busybox", undefined],
    ["library/busybox:1", undefined],
    ["127.0.0.1:4400/hello:latest", "127.0.0.1:4400"],
    ["127.0.0.1:4400/team/web@sha256:abc", "127.0.0.1:4400"],
    ["localhost/x", "localhost"],
    ["public.ecr.aws/nginx/nginx", "public.ecr.aws"],
    ["myuser/app", undefined],
  ];
  for (const [image, registry] of cases) it(`${image} → ${registry ?? "Docker Hub"}`, () => assert.equal(registryOf(image), registry));
});

/** A RegistryAuth on a fake clock whose token source counts its calls. */
function anAuth(answers: (() => Promise<AuthorizationData>)[]) {
  const clock = { now: 0 };
  let calls = 0;
  const auth = new RegistryAuth({
    endpoints: ["http://127.0.0.1:4400", "http://127.0.0.2:4400"],
    now: () => clock.now,
    getAuthorizationToken: () => {
      const next = answers[Math.min(calls, answers.length - 1)]!;
      calls++;
      return next();
    },
  });
  return { auth, clock, calls: () => calls };
}
const token = (password: string, expiresAtMs: number) => () =>
  Promise.resolve({ authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"), expiresAtMs });

describe("RegistryAuth", () => {
  it("asks nothing for images of other registries", async () => {
    const a = anAuth([token("p", 1)]);
    assert.equal(await a.auth.authFor("busybox:latest"), undefined);
    assert.equal(await a.auth.authFor("127.0.0.1:4401/hello"), undefined);
    assert.equal(await a.auth.authFor("127.0.0.3:4400/hello"), undefined);
    assert.equal(a.calls(), 0);
  });

  it("gives Docker AWS and the password for the server's registry, reusing the token until 30 minutes before expiry", async () => {
    const hour = 3_600_000;
    const a = anAuth([token("first", 12 * hour), token("second", 24 * hour)]);
    assert.deepEqual(await a.auth.authFor("127.0.0.1:4400/hello:latest"), { username: "AWS", password: "first", serveraddress: "127.0.0.1:4400" });
    a.clock.now = 11 * hour;
    assert.deepEqual(await a.auth.authFor("127.0.0.1:4400/other"), { username: "AWS", password: "first", serveraddress: "127.0.0.1:4400" });
    a.clock.now = 11.5 * hour;
    assert.deepEqual(await a.auth.authFor("127.0.0.1:4400/hello"), { username: "AWS", password: "second", serveraddress: "127.0.0.1:4400" });
    assert.equal(a.calls(), 2);
  });

  it("answers for the registry at every endpoint's host (replicas), with one token", async () => {
    const a = anAuth([token("p", 3_600_000)]);
    assert.deepEqual(await a.auth.authFor("127.0.0.1:4400/hello"), { username: "AWS", password: "p", serveraddress: "127.0.0.1:4400" });
    assert.deepEqual(await a.auth.authFor("127.0.0.2:4400/hello"), { username: "AWS", password: "p", serveraddress: "127.0.0.2:4400" });
    assert.equal(a.calls(), 1);
  });

  it("turns a failed token request into CannotPullContainerError naming the image", async () => {
    const a = anAuth([() => Promise.reject(new Error("connect ECONNREFUSED"))]);
    await assert.rejects(a.auth.authFor("127.0.0.1:4400/hello:v1"), (e: unknown) => {
      return e instanceof DockerError && e.reason.startsWith("CannotPullContainerError: ") && e.message.includes("127.0.0.1:4400/hello:v1") && e.message.includes("ECONNREFUSED");
    });
  });

  it("decodes a password that contains colons", () => {
    assert.deepEqual(dockerAuth(Buffer.from("AWS:a:b").toString("base64"), "h:1"), { username: "AWS", password: "a:b", serveraddress: "h:1" });
  });
});
