import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import { AwsError } from "../../errors/catalog.js";
import type { HttpRequest } from "../http-types.js";
import { verifySigV4 } from "./verify.js";

const key = { accessKeyId: "AKIATESTTESTTESTTEST", secretAccessKey: "secret/secret+secret" };
const now = Date.UTC(2026, 10, 21, 12, 0, 0);
const opts = { secrets: new Map([[key.accessKeyId, key.secretAccessKey]]), region: "us-east-1", service: "ecs", nowMs: now };

/** Signs a request the way the AWS SDK does, then hands it to the verifier's shape. */
async function signed(over: { body?: string; secret?: string; dateMs?: number; region?: string } = {}): Promise<HttpRequest> {
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
        "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters",
      },
      body,
    },
    { signingDate: new Date(over.dateMs ?? now) },
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
    assert.equal(await verifySigV4(await signed(), opts), key.accessKeyId);
  });

  it("accepts a clock skew inside 15 minutes", async () => {
    assert.equal(await verifySigV4(await signed({ dateMs: now - 14 * 60_000 }), opts), key.accessKeyId);
  });

  it("refuses a wrong secret", async () => {
    await rejectsWith(verifySigV4(await signed({ secret: "wrong" }), opts), "InvalidSignatureException", /does not match/);
  });

  it("refuses a body changed after signing", async () => {
    const req = await signed({ body: '{"a":1}' });
    await rejectsWith(verifySigV4({ ...req, body: Buffer.from('{"a":2}') }, opts), "InvalidSignatureException");
  });

  it("refuses an unknown access key", async () => {
    await rejectsWith(verifySigV4(await signed(), { ...opts, secrets: new Map() }), "UnrecognizedClientException");
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
});
