import { createHash, timingSafeEqual } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import type { HttpRequest } from "../api/http-types.js";
import { AwsError } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";

/** What a signature is checked against: the key's secret, and whatever the caller attaches to the key. */
export interface SigningKey {
  readonly secretAccessKey: string;
}

export interface VerifyOptions<K extends SigningKey> {
  /** The key of an access key id, or undefined when there is none (a store lookup for agent keys). */
  readonly lookup: (accessKeyId: string) => Promise<K | undefined>;
  readonly region: string;
  /** The signing name the operation's service uses (ecs, ecr, logs, …). */
  readonly service: string;
  readonly nowMs: number;
}

/** How far a signature's date may be from the server's clock, either way (AWS's rule). */
export const maxSkewMs = 15 * 60 * 1000;

/** A verified signature: the key it was made with, its id, when it was signed and the signature itself. */
export interface Verified<K> {
  readonly key: K;
  readonly accessKeyId: string;
  readonly signedAtMs: number;
  readonly signature: string;
}

/**
 * Headers that must be signed when the request carries them: whoever captures a signed request
 * must not be able to send it to another host, re-target it at another operation or re-type its body.
 * `host` must always be signed (AWS's rule); the others only when present, as AWS checks them.
 */
const signedWhenPresent = [
  ["x-amz-target", "X-Amz-Target"],
  ["content-type", "Content-Type"],
  // A session's token: unsigned, it could be swapped for another session's.
  ["x-amz-security-token", "X-Amz-Security-Token"],
] as const;

/**
 * Verifies an AWS Signature Version 4 `Authorization` header and returns the caller's key.
 * The canonical request is rebuilt by the same signer the AWS SDKs use, over exactly the headers the
 * client signed, and the signatures are compared in constant time. Throws the errors AWS gives.
 */
export async function verifySigV4<K extends SigningKey>(req: HttpRequest, opts: VerifyOptions<K>): Promise<Verified<K>> {
  const auth = parseAuthorization(header(req, "authorization"));
  const amzDate = header(req, "x-amz-date");
  if (!amzDate) throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw incomplete(`X-Amz-Date must be in the ISO8601 Long Format (yyyyMMdd'T'HHmmss'Z'), not '${excerpt(amzDate)}'.`);
  checkSkew(amzDate, signingDate, opts.nowMs);

  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = auth.credential.split("/");
  if (!accessKeyId || !scopeDate || !scopeRegion || !scopeService || terminator !== "aws4_request") {
    throw incomplete(`Credential should be scoped to a valid region and service: '${excerpt(auth.credential, 128)}'.`);
  }
  const key = await opts.lookup(accessKeyId);
  if (key === undefined) throw new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.");
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw invalid(`Credential should be scoped to a valid date, '${amzDate.slice(0, 8)}', not '${excerpt(scopeDate)}'.`);
  }
  if (scopeRegion !== opts.region) throw invalid(`Credential should be scoped to a valid region, '${opts.region}', not '${excerpt(scopeRegion)}'.`);
  if (scopeService !== opts.service) throw invalid(`Credential should be scoped to correct service: '${opts.service}'.`);
  checkSignedHeaders(req, auth.signedHeaders);

  const signedHeaders: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) throw invalid(`The request signs header '${excerpt(name)}' but does not send it.`);
    signedHeaders[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const payloadHash = header(req, "x-amz-content-sha256");
  if (payloadHash && payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== sha256Hex(req.body)) {
    throw invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: key.secretAccessKey },
    region: scopeRegion,
    service: scopeService,
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false,
  });
  const expected = await signer.sign(
    { method: req.method, protocol: "http:", hostname: "", path: req.path, query: req.query, headers: signedHeaders, body: req.body },
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const computed = parseAuthorization(header(expected, "authorization")).signature;
  if (!sameHex(computed, auth.signature)) {
    throw invalid(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return { key, accessKeyId, signedAtMs: signingDate.getTime(), signature: auth.signature.toLowerCase() };
}

/** AWS's order: `host` first, then the headers that must be signed when they are sent. */
function checkSignedHeaders(req: HttpRequest, signed: readonly string[]): void {
  const names = new Set(signed.map((h) => h.toLowerCase()));
  if (!names.has("host") && !names.has(":authority")) throw invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  for (const [name, display] of signedWhenPresent) {
    if (req.headers[name] !== undefined && !names.has(name)) throw invalid(`'${display}' must be a 'SignedHeader' in the AWS Authorization.`);
  }
}

interface Authorization {
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/**
 * The service a request's SigV4 credential scope names (`Credential=AKID/date/region/<service>/aws4_request`),
 * read without verifying anything: how a front door without a target header (the Query protocol)
 * picks the service. Undefined when the request carries no readable Authorization header.
 */
export const signingServiceOf = (req: Pick<HttpRequest, "headers">): string | undefined => credentialScopeOf(req)?.[3] || undefined;

/** The region a request's credential scope names, unverified: which region's plane serves it. */
export const signingRegionOf = (req: Pick<HttpRequest, "headers">): string | undefined => credentialScopeOf(req)?.[2] || undefined;

/** The access key id a request's credential scope names, unverified. */
export const signingKeyIdOf = (req: Pick<HttpRequest, "headers">): string | undefined => credentialScopeOf(req)?.[0] || undefined;

function credentialScopeOf(req: Pick<HttpRequest, "headers">): readonly string[] | undefined {
  try {
    return parseAuthorization(header(req, "authorization")).credential.split("/");
  } catch {
    return undefined;
  }
}

function parseAuthorization(value: string | undefined): Authorization {
  if (!value) throw new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token");
  const m = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(value);
  if (!m) throw incomplete(`Authorization header must use the AWS4-HMAC-SHA256 algorithm. Authorization=${excerpt(value.split(/\s/)[0])}`);
  const parts = new Map(
    m[1]!.split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const missing = ["Credential", "SignedHeaders", "Signature"].filter((k) => !parts.get(k));
  if (missing.length > 0) {
    throw incomplete(missing.map((k) => `Authorization header requires '${k}' parameter.`).join(" "));
  }
  return {
    credential: parts.get("Credential")!,
    signedHeaders: parts.get("SignedHeaders")!.split(";"),
    signature: parts.get("Signature")!,
  };
}

function header(req: { readonly headers: Readonly<Record<string, string | string[] | undefined>> }, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number);
  return new Date(Date.UTC(y!, mo! - 1, d, h, mi, se));
}

const amzFormat = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

function checkSkew(amzDate: string, signed: Date, nowMs: number): void {
  if (signed.getTime() < nowMs - maxSkewMs) {
    throw invalid(`Signature expired: ${excerpt(amzDate)} is now earlier than ${amzFormat(nowMs - maxSkewMs)} (${amzFormat(nowMs)} - 15 min.)`);
  }
  if (signed.getTime() > nowMs + maxSkewMs) {
    throw invalid(`Signature not yet current: ${excerpt(amzDate)} is still later than ${amzFormat(nowMs + maxSkewMs)} (${amzFormat(nowMs)} + 15 min.)`);
  }
}

const sha256Hex = (body: Uint8Array): string => createHash("sha256").update(body).digest("hex");

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const incomplete = (m: string): AwsError => new AwsError("IncompleteSignatureException", m);
const invalid = (m: string): AwsError => new AwsError("InvalidSignatureException", m);
