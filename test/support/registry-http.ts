import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { GetAuthorizationTokenCommand, type ECRClient } from "@aws-sdk/client-ecr";

/** What tests that speak the registry's `/v2/` API by hand share (no docker in between). */

/** A content digest as the registry names it. */
export const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export const ociManifest = "application/vnd.oci.image.manifest.v1+json";

/** `Basic <token>` for `/v2/`, from GetAuthorizationToken in `ecr`'s region. */
export async function registryAuthorization(ecr: ECRClient): Promise<string> {
  return `Basic ${(await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0]?.authorizationToken ?? ""}`;
}

/**
 * One repository's `/v2/` API: blob pushes in one POST and manifest PUTs, each asserted to answer
 * 201. `connection` is read at each request (tests learn the endpoint and token in `before`).
 */
export function v2Repository(repository: string, connection: () => { readonly endpoint: string; readonly authorization: string }) {
  const v2 = (path: string, init: RequestInit = {}): Promise<Response> => {
    const { endpoint, authorization } = connection();
    return fetch(`${endpoint}/v2/${repository}/${path}`, { ...init, headers: { authorization, ...init.headers } });
  };
  return {
    v2,
    /** Pushes `bytes` as a blob; returns its digest. */
    pushBlob: async (bytes: Buffer): Promise<string> => {
      const res = await v2(`blobs/uploads/?digest=${sha256(bytes)}`, { method: "POST", body: bytes });
      assert.equal(res.status, 201, await res.text());
      return sha256(bytes);
    },
    /** PUTs the OCI manifest `doc` under `reference` (its digest when absent); returns its digest. */
    pushManifest: async (doc: object, reference?: string): Promise<string> => {
      const bytes = Buffer.from(JSON.stringify(doc));
      const res = await v2(`manifests/${reference ?? sha256(bytes)}`, { method: "PUT", body: bytes, headers: { "content-type": ociManifest } });
      assert.equal(res.status, 201, await res.text());
      return sha256(bytes);
    },
  };
}
