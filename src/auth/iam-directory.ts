import { createHash } from "node:crypto";
import { iamRootArn, parseIamArn, type Partition } from "../domain/arn.js";
import { iamKey, type IamAccessKeyRecord, type IamGroupRecord, type IamIdentityRecord, type IamReader } from "../state/iam-records.js";

/** What a principal's requests are judged by: its policies, its permissions boundary if any, its tags. */
interface CompiledIdentity {
  readonly policies: PolicySet;
  readonly boundary: PolicySet | undefined;
  readonly tags: Readonly<Record<string, string>>;
}
import type { Store } from "../state/store.js";
import { compilePolicyText, type CompiledPolicy } from "./policy/compile.js";
import { policySet, type PolicySet } from "./policy/policy-set.js";
import { agentRoleName, rootPrincipal, type AgentPrincipal, type AssumedRolePrincipal, type IamUserPrincipal, type Principal } from "./principal.js";
import type { SecretBox } from "./secret-box.js";

/** An IAM access key as the verifier needs it: the secret, who holds it, and for a session its token and expiry. */
export interface IamKey {
  readonly secretAccessKey: string;
  readonly principal: IamUserPrincipal | AssumedRolePrincipal;
  readonly session?: { readonly tokenSha256: string; readonly expiresAtMs: number };
}

/** How many resolved keys and identities are kept; past it the cache starts over (it is only a cache). */
const maxCached = 10_000;

export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * IAM principals as requests need them: access keys resolved to their holders, and each holder's
 * policies compiled (inline ones, then the default version of each attached managed policy).
 * Compiled principals are cached until IAM changes (`changed()`, called by every IAM write), so a
 * request signed by a user with a hundred policies costs one map lookup, not a hundred reads.
 */
export class IamDirectory {
  private keys = new Map<string, IamKey>();
  private identities = new Map<string, CompiledIdentity>();

  constructor(
    private readonly opts: { readonly store: Store; readonly box: SecretBox; readonly partition: Partition },
  ) {}

  /** Forgets everything cached: IAM changed. */
  changed(): void {
    this.keys = new Map();
    this.identities = new Map();
  }

  /** The key `accessKeyId` if it is resolved already (no store read, no promise): a request's usual case. */
  cachedKey(accessKeyId: string): IamKey | undefined {
    return this.keys.get(accessKeyId);
  }

  /** The active key `accessKeyId`, or undefined (unknown, inactive, or a session whose role is gone). */
  async key(accessKeyId: string): Promise<IamKey | undefined> {
    const cached = this.keys.get(accessKeyId);
    if (cached) return cached;
    const resolved = await this.opts.store.read(async (tx) => {
      const record = await tx.iam.accessKey(accessKeyId);
      return record && record.status === "Active" ? this.resolveKey(tx.iam, record) : undefined;
    });
    if (resolved) this.remember(this.keys, accessKeyId, resolved);
    return resolved;
  }

  /**
   * The principal a registry token names (its ARN, auth-token.ts): root, an agent (acting as
   * `berth-agent`), an IAM user or a role's session. Undefined for an ARN that names no one now.
   */
  async principalOfArn(arn: string): Promise<Principal | undefined> {
    const p = this.opts.partition;
    if (arn === iamRootArn(p)) return rootPrincipal(p, "");
    const parsed = parseIamArn(arn);
    if (parsed?.accountId !== p.accountId) return undefined;
    // An agent's token: judged by the agent's fixed policy (auth/authorize.ts), which asks nothing of
    // its instance for the registry's read actions; the instance is not needed here.
    if (parsed.type === "assumed-role" && parsed.role === agentRoleName) {
      const agent: AgentPrincipal = { kind: "agent", accessKeyId: "", arn, containerInstanceArn: "", cluster: "" };
      return agent;
    }
    return this.opts.store.read(async (tx) => {
      if (parsed.type === "user") {
        const user = await tx.iam.users.get(iamKey(parsed.name));
        return user && user.arn === arn ? this.userPrincipal(tx.iam, user.userName, "") : undefined;
      }
      if (parsed.type === "assumed-role") {
        const role = await tx.iam.roles.get(iamKey(parsed.role));
        if (!role) return undefined;
        const { policies, boundary, tags } = await this.identity(tx.iam, `role:${role.roleName}`, role);
        const session: AssumedRolePrincipal = { kind: "assumed-role", accessKeyId: "", arn, roleArn: role.arn, roleName: role.roleName, roleId: role.roleId, sessionName: parsed.session, policies, boundary, tags };
        return session;
      }
      return undefined;
    });
  }

  private async resolveKey(iam: IamReader, record: IamAccessKeyRecord): Promise<IamKey | undefined> {
    const secretAccessKey = this.opts.box.open(record.sealedSecret);
    if (secretAccessKey === undefined) return undefined;
    const owner = record.owner;
    if (owner.kind === "user") {
      const principal = await this.userPrincipal(iam, owner.userName, record.accessKeyId);
      return principal && { secretAccessKey, principal };
    }
    const role = await iam.roles.get(iamKey(owner.roleName));
    if (!role) return undefined;
    const { policies, boundary, tags } = await this.identity(iam, `role:${role.roleName}`, role);
    const principal: AssumedRolePrincipal = {
      kind: "assumed-role",
      accessKeyId: record.accessKeyId,
      arn: `arn:aws:sts::${this.opts.partition.accountId}:assumed-role/${role.roleName}/${owner.sessionName}`,
      roleArn: role.arn,
      roleName: role.roleName,
      roleId: role.roleId,
      sessionName: owner.sessionName,
      policies,
      boundary,
      tags,
    };
    return { secretAccessKey, principal, session: { tokenSha256: owner.sessionTokenSha256, expiresAtMs: owner.expiresAtMs } };
  }

  private async userPrincipal(iam: IamReader, userName: string, accessKeyId: string): Promise<IamUserPrincipal | undefined> {
    const user = await iam.users.get(iamKey(userName));
    if (!user) return undefined;
    const { policies, boundary, tags } = await this.identity(iam, `user:${user.userName}`, user, await groupsOf(iam, user.userName));
    return { kind: "user", accessKeyId, arn: user.arn, userName: user.userName, userId: user.userId, policies, boundary, tags };
  }

  private async identity(
    iam: IamReader,
    cacheKey: string,
    record: IamIdentityRecord & { readonly permissionsBoundary?: string | undefined },
    groups: readonly IamGroupRecord[] = [],
  ): Promise<CompiledIdentity> {
    const cached = this.identities.get(cacheKey);
    if (cached) return cached;
    const compiled = await policiesOf(iam, record);
    for (const g of groups) compiled.push(...(await policiesOf(iam, g)));
    const policies = policySet(compiled);
    const tags = Object.fromEntries(record.tags.map((t) => [t.Key, t.Value]));
    const bound = record.permissionsBoundary === undefined ? undefined : await managedPolicy(iam, record.permissionsBoundary);
    // A boundary that names no policy now allows nothing (DeletePolicy refuses one in use; this is only a guard).
    const boundary = record.permissionsBoundary === undefined ? undefined : policySet(bound ? [bound] : []);
    const entry = { policies, boundary, tags };
    this.remember(this.identities, cacheKey, entry);
    return entry;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= maxCached) map.clear();
    map.set(key, value);
  }
}

/** The groups `userName` belongs to, in name order: their policies are the user's too. */
export async function groupsOf(iam: IamReader, userName: string): Promise<IamGroupRecord[]> {
  const key = iamKey(userName);
  return (await iam.groups.list()).filter((g) => g.members.some((m) => iamKey(m) === key));
}

/**
 * An identity's policies, compiled: inline ones by name, then each attached managed policy's
 * default version by ARN. Stored documents were checked when they were put, so they compile.
 */
export async function policiesOf(iam: IamReader, record: IamIdentityRecord): Promise<CompiledPolicy[]> {
  const inline = Object.entries(record.inlinePolicies).map(([name, text]) => compilePolicyText(name, text, "identity"));
  const managed: CompiledPolicy[] = [];
  for (const arn of record.attachedPolicies) {
    const compiled = await managedPolicy(iam, arn);
    if (compiled) managed.push(compiled);
  }
  return [...inline, ...managed];
}

/** A managed policy's default version, compiled and named by its ARN; undefined for an ARN that names none. */
export async function managedPolicy(iam: IamReader, arn: string): Promise<CompiledPolicy | undefined> {
  const parsed = parseIamArn(arn);
  const policy = parsed?.type === "policy" ? await iam.policies.get(iamKey(parsed.name)) : undefined;
  const version = policy?.arn === arn ? policy.versions.find((v) => v.versionId === policy.defaultVersionId) : undefined;
  return version && compilePolicyText(arn, version.document, "identity");
}
