import type { HttpRequest } from "../api/http-types.js";
import type { Partition } from "../domain/arn.js";
import type { AgentCredentialRecord } from "../state/store.js";
import type { AccessKey } from "./credentials-file.js";
import { agentPrincipal, rootPrincipal, type Principal } from "./principal.js";
import { verifySigV4, type Verified } from "./sigv4.js";

export interface AuthenticatorOptions {
  /** The root key (`<data-dir>/credentials`). */
  readonly rootKey: AccessKey;
  /** An agent's credential by its access key id (from the store). */
  readonly agentCredential: (accessKeyId: string) => Promise<AgentCredentialRecord | undefined>;
  readonly partition: Partition;
}

/** A key the verifier checks a signature against, and who holds it. */
interface ResolvedKey {
  readonly secretAccessKey: string;
  readonly principal: Principal;
}

/**
 * Resolves a signed request to its principal: verifies the SigV4 signature (sigv4.ts) against the
 * secret of the key it names, which is the root key or an agent credential in the store.
 * New kinds of credentials (IAM users, STS sessions) are one more branch of `lookup`.
 */
export class Authenticator {
  private readonly root: ResolvedKey;

  constructor(private readonly opts: AuthenticatorOptions) {
    this.root = { secretAccessKey: opts.rootKey.secretAccessKey, principal: rootPrincipal(opts.partition, opts.rootKey.accessKeyId) };
  }

  /** Verifies `req`'s signature for `service`; throws AWS's authentication errors. */
  async authenticate(req: HttpRequest, service: string, nowMs: number): Promise<Verified<ResolvedKey>> {
    return verifySigV4(req, { lookup: (id) => this.lookup(id), region: this.opts.partition.region, service, nowMs });
  }

  private async lookup(accessKeyId: string): Promise<ResolvedKey | undefined> {
    if (accessKeyId === this.opts.rootKey.accessKeyId) return this.root;
    const record = await this.opts.agentCredential(accessKeyId);
    return record && { secretAccessKey: record.secretAccessKey, principal: agentPrincipal(this.opts.partition, record) };
  }
}
