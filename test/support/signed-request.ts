import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import type { AccessKey } from "../../src/auth/credentials-file.js";

export interface RawResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface RawTextResponse {
  readonly status: number;
  readonly text: string;
}

/**
 * Sends an arbitrary body (malformed JSON, binary noise included) as a correctly signed AWS JSON 1.1
 * request, the way an SDK would, so that tests reach the server's validation rather than its authentication.
 */
export async function signedRequest(
  endpoint: string,
  key: AccessKey,
  target: string,
  body: string | Uint8Array,
  { service = "ecs", region = "us-east-1" } = {},
): Promise<RawTextResponse> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ credentials: key, region, service, sha256: Hash.bind(null, "sha256") });
  const signed = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    headers: { host: url.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
    body,
  });
  const res = await fetch(endpoint, { method: "POST", headers: signed.headers, body });
  return { status: res.status, text: await res.text() };
}

/** `signedRequest` for a JSON answer. */
export async function signedJsonRequest(
  endpoint: string,
  key: AccessKey,
  target: string,
  body: string,
  options: { service?: string; region?: string } = {},
): Promise<RawResponse> {
  const { status, text } = await signedRequest(endpoint, key, target, body, options);
  return { status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
