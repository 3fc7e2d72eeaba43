import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import { pino } from "pino";
import { Authenticator } from "../auth/authenticator.js";
import { RefusalLog } from "../observability/refusal-log.js";
import type { HttpRequest } from "./http-types.js";

/** Test fixtures for the front doors: a key, a clock, a silent logger and SDK-style signed requests. */
export const testKey = { accessKeyId: "AKIATESTTESTTESTTEST", secretAccessKey: "secret/secret+secret" };
export const testNow = Date.UTC(2026, 10, 29, 12, 0, 0);
export const testPartition = { region: "us-east-1", accountId: "123456789012" };
const logger = pino({ level: "silent" });
export const frontDoorOptions = {
  authenticator: new Authenticator({ rootKey: testKey, partition: testPartition, agentCredential: () => Promise.resolve(undefined) }),
  partition: testPartition,
  now: () => testNow,
  logger,
  refusals: new RefusalLog({ logger, intervalMs: 60_000 }),
};

/** A request signed the way the AWS SDKs sign it, in the shape the front doors receive. */
export async function signedRequest(req: {
  readonly service: string;
  readonly path?: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}): Promise<HttpRequest> {
  const signer = new SignatureV4({ credentials: testKey, region: testPartition.region, service: req.service, sha256: Hash.bind(null, "sha256") });
  const path = req.path ?? "/";
  const signed = await signer.sign(
    { method: "POST", protocol: "http:", hostname: "127.0.0.1", port: 4400, path, headers: { host: "127.0.0.1:4400", ...req.headers }, body: req.body },
    { signingDate: new Date(testNow) },
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: "POST", path, query: {}, headers, body: typeof req.body === "string" ? Buffer.from(req.body) : req.body };
}
