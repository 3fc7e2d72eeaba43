/**
 * SSM Parameter Store's parameters as the store keeps them (SQLite migration 20, PostgreSQL
 * migration 3): a row per parameter (its newest version's number, tier and its tags) and a row per
 * version kept. A parameter lives at `parentPath(name)`, which GetParametersByPath and the `Path`
 * filter list one level of.
 */
export type ParameterType = "String" | "StringList" | "SecureString";
export type ParameterTier = "Standard" | "Advanced";

/** One version of a parameter. */
export interface ParameterVersionRecord {
  readonly name: string;
  readonly version: number;
  readonly type: ParameterType;
  /** A String's or StringList's value as given; a SecureString's sealed with the server's SecretBox (api/ssm/values.ts), never in clear. */
  readonly value: string;
  readonly description?: string | undefined;
  /** SecureString only: the KMS key named (Berth has no KMS: recorded, not used). */
  readonly keyId?: string | undefined;
  readonly allowedPattern?: string | undefined;
  readonly tier: ParameterTier;
  readonly dataType: string;
  /** Labels are unique within a parameter: at most one version carries a given label. */
  readonly labels: readonly string[];
  readonly modifiedMs: number;
  /** The ARN of whoever wrote the version (LastModifiedUser). */
  readonly modifiedBy: string;
}

/** A parameter: its newest version, and its tags. */
export interface ParameterRecord extends ParameterVersionRecord {
  readonly tags: Readonly<Record<string, string>>;
}

/** Parameters ordered by name, newest versions: those whose name begins with `prefix`, or those at `parent` (one level). */
export interface ParameterQuery {
  readonly prefix?: string | undefined;
  readonly parent?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface ParameterReader {
  get(name: string): Promise<ParameterRecord | undefined>;
  version(name: string, version: number): Promise<ParameterVersionRecord | undefined>;
  /** The versions kept after `after`, oldest first, at most `limit`. */
  history(name: string, after: number, limit: number): Promise<ParameterVersionRecord[]>;
  /** The version that carries `label`, if any does. */
  labelled(name: string, label: string): Promise<ParameterVersionRecord | undefined>;
  list(q: ParameterQuery): Promise<ParameterRecord[]>;
  /** How many parameters of a tier there are (a region's limits are per tier). */
  count(tier: ParameterTier): Promise<number>;
}

export interface ParameterRepository extends ParameterReader {
  /**
   * Saves `v` as the parameter's newest version: version 1 creates the parameter with `tags`, version
   * n + 1 only over version n; versions older than the newest `keep` are forgotten. Otherwise throws
   * ParameterConflictError (another writer got there first).
   */
  put(v: ParameterVersionRecord, opts: { readonly tags?: Readonly<Record<string, string>>; readonly keep: number }): Promise<void>;
  setLabels(name: string, version: number, labels: readonly string[]): Promise<void>;
  setTags(name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Forgets the parameter with every version and its tags; false when there was none. */
  delete(name: string): Promise<boolean>;
}

export class ParameterConflictError extends Error {
  override readonly name = "ParameterConflictError";
  constructor(readonly parameter: string) {
    super(`parameter ${parameter} was saved by another writer`);
  }
}

/**
 * The path a parameter lives at: `/a/b` for `/a/b/c`, `/` for `/c` and for a name without a slash
 * (both are at the root of the hierarchy).
 */
export function parentPath(name: string): string {
  const slash = name.lastIndexOf("/");
  return slash <= 0 ? "/" : name.slice(0, slash);
}
