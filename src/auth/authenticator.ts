import { timingSafeEqual } from "node:crypto";
import type { HttpRequest } from "../api/http-types.js";
import type { Partition } from "../domain/arn.js";
import { AwsError } from "../errors/catalog.js";
import type { AgentCredentialRecord } from "../state/store.js";
import type { AccessKey } from "./credentials-file.js";
import { sha256, type IamDirectory } from "./iam-directory.js";
import { agentPrincipal, rootPrincipal, type Principal } from "./principal.js";
import { verifySigV4, type Verified } from "./sigv4.js";

export interface AuthenticatorOptions {
  /** The root key (`<data-dir>/credentials`). */
  readonly rootKey: AccessKey;
  /** An agent's credential by its access key id (from the store). */
  readonly agentCredential: (accessKeyId: string) => Promise<AgentCredentialRecord | undefined>;
  /** IAM users' keys and assumed-role sessions; absent where a front door is tested without IAM. */
  readonly iam?: IamDirectory | undefined;
  readonly partition: Partition;
}

/** A key the verifier checks a signature against, and who holds it. */
interface ResolvedKey {
  readonly secretAccessKey: string;
  readonly principal: Principal;
  /** Temporary credentials: the session token that must come with the key, and when they expire. */
  readonly session?: { readonly tokenSha256: string; readonly expiresAtMs: number } | undefined;
}

/**
 * Resolves a signed request to its principal: verifies the SigV4 signature (sigv4.ts) against the
 * secret of the key it names: the root key, an agent credential, an IAM user's access key, or the
 * temporary key of an assumed-role session, which is good only with its session token
 * (`X-Amz-Security-Token`) and until it expires.
 */
export class Authenticator {
  private readonly root: ResolvedKey;

  constructor(private readonly opts: AuthenticatorOptions) {
    this.root = { secretAccessKey: opts.rootKey.secretAccessKey, principal: rootPrincipal(opts.partition, opts.rootKey.accessKeyId) };
  }

  /** Verifies `req`'s signature for `service`; throws AWS's authentication errors. */
  async authenticate(req: HttpRequest, service: string, nowMs: number): Promise<Verified<ResolvedKey>> {
    const verified = await verifySigV4(req, { lookup: (id) => this.lookup(id), region: this.opts.partition.region, service, nowMs });
    const session = verified.key.session;
    if (session) {
      const token = req.headers["x-amz-security-token"];
      const given = Buffer.from(sha256(typeof token === "string" ? token : ""), "hex");
      if (typeof token !== "string" || !timingSafeEqual(given, Buffer.from(session.tokenSha256, "hex"))) {
        throw new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.");
      }
      if (nowMs >= session.expiresAtMs) throw new AwsError("ExpiredTokenException", "The security token included in the request is expired");
    }
    return verified;
  }

  private async lookup(accessKeyId: string): Promise<ResolvedKey | undefined> {
    if (accessKeyId === this.opts.rootKey.accessKeyId) return this.root;
    const iamKey = this.opts.iam?.cachedKey(accessKeyId) ?? (await this.opts.iam?.key(accessKeyId));
    if (iamKey) return iamKey;
    const record = await this.opts.agentCredential(accessKeyId);
    return record && { secretAccessKey: record.secretAccessKey, principal: agentPrincipal(this.opts.partition, record) };
  }
}
