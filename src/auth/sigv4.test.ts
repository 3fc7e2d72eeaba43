import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import type { HttpRequest } from "../api/http-types.js";
import { AwsError } from "../errors/catalog.js";
import { signingServiceOf, verifySigV4, type VerifyOptions } from "./sigv4.js";

const key = { accessKeyId: "AKIATESTTESTTESTTEST", secretAccessKey: "secret/secret+secret" };
const now = Date.UTC(2026, 10, 21, 12, 0, 0);
const keys = new Map([[key.accessKeyId, { secretAccessKey: key.secretAccessKey, name: "test key" }]]);
const opts: VerifyOptions<{ secretAccessKey: string; name: string }> = {
  lookup: (id) => Promise.resolve(keys.get(id)),
  region: "us-east-1",
  service: "ecs",
  nowMs: now,
};
const target = (op: string): string => `AmazonEC2ContainerServiceV20141113.${op}`;

/** Signs a request the way the AWS SDK does, then hands it to the verifier's shape. */
async function signed(
  over: { body?: string; secret?: string; dateMs?: number; region?: string; unsigned?: readonly string[] } = {},
): Promise<HttpRequest> {
  const signer = new SignatureV4({
    credentials: { ...key, secretAccessKey: over.secret ?? key.secretAccessKey },
    region: over.region ?? "us-east-1",
    service: "ecs",
    sha256: Hash.bind(null, "sha256"),
  });
  const body = over.body ?? "{}";
  const req = await signer.sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 4400,
      path: "/",
      headers: {
        host: "127.0.0.1:4400",
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": target("ListClusters"),
      },
      body,
    },
    { signingDate: new Date(over.dateMs ?? now), unsignableHeaders: new Set(over.unsigned ?? []) },
  );
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: "POST", path: "/", query: {}, headers, body: Buffer.from(body) };
}

const rejectsWith = (p: Promise<unknown>, code: string, message?: RegExp) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AwsError);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });

describe("SigV4 verification", () => {
  it("accepts what the AWS SDK signs and names the caller", async () => {
    const verified = await verifySigV4(await signed(), opts);
    assert.equal(verified.accessKeyId, key.accessKeyId);
    assert.equal(verified.key.name, "test key");
    assert.equal(verified.signedAtMs, now);
    assert.match(verified.signature, /^[0-9a-f]{64}$/);
  });

  it("accepts a clock skew inside 15 minutes", async () => {
    assert.equal((await verifySigV4(await signed({ dateMs: now - 14 * 60_000 }), opts)).accessKeyId, key.accessKeyId);
  });

  it("refuses a wrong secret", async () => {
    await rejectsWith(verifySigV4(await signed({ secret: "wrong" }), opts), "InvalidSignatureException", /does not match/);
  });

  it("refuses a body changed after signing", async () => {
    const req = await signed({ body: '{"a":1}' });
    await rejectsWith(verifySigV4({ ...req, body: Buffer.from('{"a":2}') }, opts), "InvalidSignatureException");
  });

  it("refuses an unknown access key", async () => {
    await rejectsWith(verifySigV4(await signed(), { ...opts, lookup: () => Promise.resolve(undefined) }), "UnrecognizedClientException");
  });

  it("refuses a request without an Authorization header", async () => {
    const req = await signed();
    const { authorization: _a, ...headers } = req.headers;
    await rejectsWith(verifySigV4({ ...req, headers }, opts), "MissingAuthenticationTokenException");
  });

  it("refuses an Authorization header without a signature", async () => {
    const req = await signed();
    const auth = String(req.headers.authorization).replace(/, Signature=.*$/, "");
    await rejectsWith(verifySigV4({ ...req, headers: { ...req.headers, authorization: auth } }, opts), "IncompleteSignatureException", /'Signature'/);
  });

  for (const [label, dateMs, message] of [
    ["16 minutes old", now - 16 * 60_000, /Signature expired/],
    ["16 minutes ahead", now + 16 * 60_000, /not yet current/],
  ] as const) {
    it(`refuses a request signed ${label}`, async () => {
      await rejectsWith(verifySigV4(await signed({ dateMs }), opts), "InvalidSignatureException", message);
    });
  }

  it("refuses a credential scoped to another region, naming the right one", async () => {
    await rejectsWith(verifySigV4(await signed({ region: "eu-west-1" }), opts), "InvalidSignatureException", /'us-east-1', not 'eu-west-1'/);
  });

  describe("headers that must be signed", () => {
    it("refuses a signature that leaves out host, in AWS's words", async () => {
      await rejectsWith(
        verifySigV4(await signed({ unsigned: ["host"] }), opts),
        "InvalidSignatureException",
        /^'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization\.$/,
      );
    });

    for (const [header, display] of [
      ["x-amz-target", "X-Amz-Target"],
      ["content-type", "Content-Type"],
    ] as const) {
      it(`refuses a signature that leaves out ${header} when the request sends it`, async () => {
        const req = await signed({ unsigned: [header] });
        assert.doesNotMatch(String(req.headers.authorization), new RegExp(header), "the test request really leaves it out");
        await rejectsWith(verifySigV4(req, opts), "InvalidSignatureException", new RegExp(`^'${display}' must be a 'SignedHeader'`));
      });
    }

    it("does not ask for x-amz-target or content-type on a request without them (the agent channel's GET)", async () => {
      const signer = new SignatureV4({ credentials: key, region: "us-east-1", service: "ecs", sha256: Hash.bind(null, "sha256") });
      const req = await signer.sign(
        { method: "GET", protocol: "http:", hostname: "127.0.0.1", port: 4400, path: "/agent/v1/connect", query: { nonce: "n1" }, headers: { host: "127.0.0.1:4400" } },
        { signingDate: new Date(now) },
      );
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const verified = await verifySigV4({ method: "GET", path: "/agent/v1/connect", query: { nonce: "n1" }, headers, body: new Uint8Array() }, opts);
      assert.equal(verified.accessKeyId, key.accessKeyId);
    });

    it("refuses a request signed over x-amz-date alone and re-targeted after signing", async () => {
      const req = await signed({ unsigned: ["host", "content-type", "x-amz-target"] });
      assert.match(String(req.headers.authorization), /SignedHeaders=x-amz-content-sha256;x-amz-date,|SignedHeaders=x-amz-date,/);
      const retargeted = { ...req, headers: { ...req.headers, "x-amz-target": target("CreateCluster") } };
      await rejectsWith(verifySigV4(retargeted, opts), "InvalidSignatureException", /'Host' or ':authority' must be a 'SignedHeader'/);
    });

    it("refuses a fully signed request re-targeted after signing", async () => {
      const req = await signed();
      const retargeted = { ...req, headers: { ...req.headers, "x-amz-target": target("CreateCluster") } };
      await rejectsWith(verifySigV4(retargeted, opts), "InvalidSignatureException", /does not match/);
    });

    it("refuses a request sent to another host than the one signed", async () => {
      const req = await signed();
      await rejectsWith(verifySigV4({ ...req, headers: { ...req.headers, host: "10.0.0.9:4400" } }, opts), "InvalidSignatureException", /does not match/);
    });
  });
});

describe("signingServiceOf: the service a credential scope names, unverified", () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ["an STS scope", "AWS4-HMAC-SHA256 Credential=AKIA/20261129/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab", "sts"],
    ["an ELBv2 scope", "AWS4-HMAC-SHA256 Credential=AKIA/20261129/eu-west-1/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=ab", "elasticloadbalancing"],
    ["no Authorization header", undefined, undefined],
    ["another algorithm", "AWS3 Credential=AKIA/20261129/us-east-1/sts/aws4_request", undefined],
    ["a scope without a service", "AWS4-HMAC-SHA256 Credential=AKIA/20261129, SignedHeaders=host, Signature=ab", undefined],
  ];
  for (const [what, authorization, service] of cases) {
    it(`${what}: ${String(service)}`, () => assert.equal(signingServiceOf({ headers: { authorization } }), service));
  }
});
