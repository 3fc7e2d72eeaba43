/**
 * IAM's entities as the store keeps them (migration 9). Policy documents are kept as the text the
 * client sent (IAM returns them as given); access-key secrets only sealed (auth/secret-box.ts),
 * session tokens only as their SHA-256.
 */

export interface IamTag {
  readonly Key: string;
  readonly Value: string;
}

/** What users and roles share: inline policies by name, managed policies attached by ARN. */
export interface IamIdentityRecord {
  readonly arn: string;
  readonly path: string;
  readonly createdAtMs: number;
  readonly tags: readonly IamTag[];
  /** Inline policies: name → document text. */
  readonly inlinePolicies: Readonly<Record<string, string>>;
  /** Managed policies attached, by ARN, in attachment order. */
  readonly attachedPolicies: readonly string[];
}

export interface IamUserRecord extends IamIdentityRecord {
  readonly userName: string;
  /** `AIDA…`, as IAM's user ids. */
  readonly userId: string;
  /** The managed policy (ARN) that bounds what its policies can allow. */
  readonly permissionsBoundary?: string | undefined;
}

/** An IAM group: its policies apply to each of its members (`tags` stay empty: IAM groups have none). */
export interface IamGroupRecord extends IamIdentityRecord {
  readonly groupName: string;
  /** `AGPA…`, as IAM's group ids. */
  readonly groupId: string;
  /** Its users' names as they were created, in the order they were added. */
  readonly members: readonly string[];
}

export interface IamRoleRecord extends IamIdentityRecord {
  readonly roleName: string;
  /** `AROA…`, as IAM's role ids. */
  readonly roleId: string;
  readonly description?: string | undefined;
  readonly maxSessionDurationS: number;
  /** The trust policy's text. */
  readonly assumeRolePolicyDocument: string;
  /** The managed policy (ARN) that bounds what its policies can allow. */
  readonly permissionsBoundary?: string | undefined;
}

export interface IamPolicyVersionRecord {
  readonly versionId: string;
  readonly document: string;
  readonly createdAtMs: number;
}

export interface IamManagedPolicyRecord {
  readonly policyName: string;
  /** `ANPA…`. */
  readonly policyId: string;
  readonly arn: string;
  readonly path: string;
  readonly description?: string | undefined;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly defaultVersionId: string;
  /** Oldest first; at most five, as IAM keeps. */
  readonly versions: readonly IamPolicyVersionRecord[];
  /** The number the next version gets (`v<n>`): numbers are never reused. */
  readonly nextVersion: number;
}

/** Who an access key belongs to: an IAM user (long-term), or a session of an assumed role (temporary). */
export type IamKeyOwner =
  | { readonly kind: "user"; readonly userName: string }
  | {
      readonly kind: "session";
      readonly roleName: string;
      readonly sessionName: string;
      readonly expiresAtMs: number;
      /** SHA-256 (hex) of the session token the caller must send with the key. */
      readonly sessionTokenSha256: string;
    };

export interface IamAccessKeyRecord {
  readonly accessKeyId: string;
  /** The secret sealed with the server's IAM key: SigV4 verification needs it back, so it is encrypted, not hashed. */
  readonly sealedSecret: string;
  readonly status: "Active" | "Inactive";
  readonly createdAtMs: number;
  readonly owner: IamKeyOwner;
}

/** One kind of named IAM entity (users, roles, managed policies by ARN), listed in name order. */
export interface IamTableReader<T> {
  get(name: string): Promise<T | undefined>;
  list(): Promise<T[]>;
}
export interface IamTable<T> extends IamTableReader<T> {
  put(name: string, record: T): Promise<void>;
  delete(name: string): Promise<boolean>;
}

export interface IamReader {
  readonly users: IamTableReader<IamUserRecord>;
  readonly roles: IamTableReader<IamRoleRecord>;
  readonly groups: IamTableReader<IamGroupRecord>;
  /** Keyed by ARN. */
  readonly policies: IamTableReader<IamManagedPolicyRecord>;
  accessKey(accessKeyId: string): Promise<IamAccessKeyRecord | undefined>;
  /** A user's long-term keys, oldest first. */
  accessKeysOf(userName: string): Promise<IamAccessKeyRecord[]>;
}
export interface IamRepository extends IamReader {
  readonly users: IamTable<IamUserRecord>;
  readonly roles: IamTable<IamRoleRecord>;
  readonly groups: IamTable<IamGroupRecord>;
  readonly policies: IamTable<IamManagedPolicyRecord>;
  putAccessKey(record: IamAccessKeyRecord): Promise<void>;
  deleteAccessKey(accessKeyId: string): Promise<boolean>;
  /** Forgets session keys expired before `nowMs`; returns how many. */
  purgeExpiredSessions(nowMs: number): Promise<number>;
}

/** The key users, roles and policies are stored under: IAM's names are unique regardless of case. */
export const iamKey = (name: string): string => name.toLowerCase();
