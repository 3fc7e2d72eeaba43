import type { Page, PageRequest } from "../state/store.js";
import type { ReadersWriterLock } from "./rw-lock.js";

/**
 * What the registry remembers besides blob bytes: repositories, manifests and tags. Kept narrow
 * so that it can move into the main Store later. `sqlite-metadata.ts` implements it in the registry's
 * own SQLite file; `postgres-metadata.ts` in the PostgreSQL database that replicas share.
 */

export const tagMutabilities = ["MUTABLE", "IMMUTABLE"] as const;
export type TagMutability = (typeof tagMutabilities)[number];

/** A stored mutability read back (MUTABLE unless the column says IMMUTABLE). */
export const tagMutabilityOf = (text: string): TagMutability => tagMutabilities.find((m) => m === text) ?? "MUTABLE";

export interface RepositoryRecord {
  readonly name: string;
  readonly createdAtMs: number;
  readonly imageTagMutability: TagMutability;
  readonly lifecyclePolicyText?: string | undefined;
  /** SetRepositoryPolicy's text, stored and returned (IAM does not yet evaluate resource policies). */
  readonly repositoryPolicyText?: string | undefined;
  /** imageScanningConfiguration.scanOnPush, stored and returned (Berth has no scanner: scans answer FAILED). */
  readonly scanOnPush?: boolean | undefined;
  /** When maintenance last applied the lifecycle policy (GetLifecyclePolicy's lastEvaluatedAt); a new policy clears it. */
  readonly lifecycleEvaluatedAtMs?: number | undefined;
}

/** A manifest in one repository, with the tags that point at it. */
export interface ManifestRecord {
  readonly repository: string;
  readonly digest: string;
  readonly mediaType: string;
  /** The manifest bytes exactly as pushed: their sha256 is `digest`. */
  readonly content: Buffer;
  /** ECR's imageSizeInBytes. */
  readonly imageSize: number;
  readonly pushedAtMs: number;
  readonly tags: readonly string[];
}

/** A manifest to store: the record's fields but its tags (one `tag` may come with the push). */
export interface PutManifest extends Omit<ManifestRecord, "tags"> {
  /** Blobs (config, layers) and child manifests this manifest refers to: GC and deletion honour them. */
  readonly blobs: readonly string[];
  readonly manifests: readonly string[];
  readonly tag?: string | undefined;
}

export type PutManifestResult =
  | { readonly ok: true; readonly created: boolean }
  | { readonly ok: false; readonly reason: "repository-not-found" }
  /** IMMUTABLE repository and the tag already names another digest. */
  | { readonly ok: false; readonly reason: "tag-immutable"; readonly currentDigest: string };

export type DeleteManifestResult =
  | { readonly ok: true; readonly tags: readonly string[] }
  | { readonly ok: false; readonly reason: "not-found" }
  | { readonly ok: false; readonly reason: "referenced-by-index"; readonly parent: string };

export type ManifestRef = { readonly tag: string } | { readonly digest: string };

/** A resource tag on a repository (ECR spells the members `Key` and `Value`; the handlers translate). */
export interface ResourceTag {
  readonly key: string;
  readonly value: string;
}

export type CreateRepositoryResult = { readonly ok: true; readonly repository: RepositoryRecord } | { readonly ok: false; readonly reason: "exists" };

/** The registry's own settings, one value each. */
export type RegistrySettingName = "registry-policy" | "replication-configuration" | "scanning-configuration" | "creation-templates" | `account-setting:${string}`;

export interface RegistryMetadata {
  /**
   * What GC (writer) and the writes that make a blob linked or referenced (readers) exclude each
   * other by, across everyone who shares this metadata: one process for SQLite, every replica on the
   * schema for PostgreSQL (a replica's push must not commit between the leader's GC scan and its deletions).
   */
  readonly gcLock: ReadersWriterLock;
  /** Creates the repository with its resource tags, in one transaction. */
  createRepository(repository: RepositoryRecord, tags?: readonly ResourceTag[]): Promise<CreateRepositoryResult>;
  getRepository(name: string): Promise<RepositoryRecord | undefined>;
  listRepositories(page: PageRequest): Promise<Page<RepositoryRecord>>;
  /** Removes the repository with its manifests, tags and blob links. False when it did not exist. */
  deleteRepository(name: string): Promise<boolean>;
  /** The repository's resource tags by key; undefined when the repository does not exist. */
  listRepositoryTags(name: string): Promise<ResourceTag[] | undefined>;
  /** Replaces the repository's resource tags. False when the repository does not exist. */
  setRepositoryTags(name: string, tags: readonly ResourceTag[]): Promise<boolean>;
  setTagMutability(name: string, mutability: TagMutability): Promise<boolean>;
  /** Sets (or, with undefined, removes) the lifecycle policy text. False when the repository does not exist. */
  setLifecyclePolicy(name: string, text: string | undefined): Promise<boolean>;
  /** Sets (or, with undefined, removes) the repository policy text. False when the repository does not exist. */
  setRepositoryPolicy(name: string, text: string | undefined): Promise<boolean>;
  setScanOnPush(name: string, scanOnPush: boolean): Promise<boolean>;
  /** Records a run of the repository's lifecycle policy (none when it has no policy). */
  setLifecycleEvaluatedAt(name: string, atMs: number): Promise<boolean>;
  /** A registry-wide setting (the registry policy), or undefined. */
  getRegistrySetting(name: RegistrySettingName): Promise<string | undefined>;
  /** Sets (or, with undefined, removes) a registry-wide setting. */
  setRegistrySetting(name: RegistrySettingName, value: string | undefined): Promise<void>;

  /** Stores a manifest and, when given, points the tag at it, in one transaction. Idempotent. */
  putManifest(put: PutManifest): Promise<PutManifestResult>;
  getManifest(repository: string, ref: ManifestRef): Promise<ManifestRecord | undefined>;
  /** Every manifest of a repository with its tags, oldest push first. */
  listManifests(repository: string): Promise<ManifestRecord[]>;
  /** Tags of a repository in lexical order. */
  listTags(repository: string, page: PageRequest): Promise<Page<string>>;
  /** Removes a tag; the manifest stays (untagged). False when there was no such tag. */
  untag(repository: string, tag: string): Promise<boolean>;
  /** Removes a manifest and its tags, refused while an index in the same repository refers to it. */
  deleteManifest(repository: string, digest: string): Promise<DeleteManifestResult>;

  /** Records that `repository` may serve `digest` (it was uploaded or mounted there). */
  linkBlob(repository: string, digest: string): Promise<void>;
  unlinkBlob(repository: string, digest: string): Promise<boolean>;
  isBlobLinked(repository: string, digest: string): Promise<boolean>;
  /** Every blob some manifest in some repository refers to: what GC must keep. */
  referencedBlobs(): Promise<Set<string>>;
  /** Forgets blob links for blobs that no longer exist on disk (after GC). */
  forgetBlobs(digests: readonly string[]): Promise<void>;
  /**
   * Tells `listener` a repository's name whenever its policy may have changed (set, removed, the
   * repository deleted), for caches of compiled policies. With PostgreSQL, also every other
   * replica's changes (and creations, and everything after its listening connection broke).
   */
  onPolicyChange(listener: (repository: string) => void): void;
  close(): Promise<void>;
}
