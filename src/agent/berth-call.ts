import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity } from "@smithy/types";
import { z } from "zod";
import { berthSigningName, berthTargetPrefix } from "../agent-protocol/agent-credential.js";
import { postJson, trustFrom, type Trust } from "./trust.js";

/** A Berth operation's refusal: its AWS error name and message, so callers can tell a refused credential from a bad request. */
export class BerthCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
}

const awsError = z.object({ __type: z.string(), message: z.string().optional() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Calls one of Berth's own JSON 1.1 operations (`Berth_20261101.<operation>`, agent-protocol/),
 * signed with SigV4 for service `berth` with `credentials`; returns the answer's JSON, or throws
 * {@link BerthCallError} with the server's error name and message.
 */
export async function callBerth(
  endpoint: string,
  region: string,
  credentials: AwsCredentialIdentity,
  operation: string,
  input: unknown,
  trust: Trust = trustFrom(undefined),
  timeoutMs = 30_000,
): Promise<unknown> {
  const url = new URL(endpoint);
  const body = JSON.stringify(input);
  const signer = new SignatureV4({ credentials, region, service: berthSigningName, sha256: Hash.bind(null, "sha256") });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === "" ? undefined : Number(url.port),
    path: "/",
    headers: { host: url.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": `${berthTargetPrefix}.${operation}` },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  const { status, text } = await postJson(new URL("/", endpoint), headers, body, trust, timeoutMs);
  if (status !== 200) {
    const error = awsError.safeParse(parseJson(text));
    throw error.success ? new BerthCallError(error.data.__type, error.data.message ?? "", status) : new BerthCallError("HttpError", `HTTP ${status}`, status);
  }
  return parseJson(text);
}
