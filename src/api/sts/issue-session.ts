import { randomBytes } from "node:crypto";
import { generateAccessKey } from "../../auth/credentials-file.js";
import { sha256 } from "../../auth/iam-directory.js";
import type { IamRoleRecord } from "../../state/iam-records.js";
import { iamId, type IamDeps } from "../iam/deps.js";

/** A role session's temporary credentials, as STS answers them. */
export interface SessionCredentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  readonly Expiration: Date;
}

/**
 * Issues temporary credentials for a session `sessionName` of `role`, good until `expiresAtMs`: an
 * `ASIA…` key whose secret is stored sealed and whose session token is stored only as its SHA-256
 * (auth/README.md). The secret and token leave the server once, in the answer. Expired sessions are
 * purged in the same write. Whoever calls this has decided that the caller may have them.
 */
export async function issueSession(deps: IamDeps, role: IamRoleRecord, sessionName: string, nowMs: number, expiresAtMs: number): Promise<SessionCredentials> {
  const key = generateAccessKey();
  const accessKeyId = iamId("ASIA", 16);
  const sessionToken = randomBytes(96).toString("base64");
  await deps.store.write(async (tx) => {
    await tx.iam.purgeExpiredSessions(nowMs);
    await tx.iam.putAccessKey({
      accessKeyId,
      sealedSecret: deps.box.seal(key.secretAccessKey),
      status: "Active",
      createdAtMs: nowMs,
      owner: { kind: "session", roleName: role.roleName, sessionName, expiresAtMs, sessionTokenSha256: sha256(sessionToken) },
    });
  });
  return { AccessKeyId: accessKeyId, SecretAccessKey: key.secretAccessKey, SessionToken: sessionToken, Expiration: new Date(expiresAtMs) };
}
