import Database from "better-sqlite3";
import { page as pageOf } from "../state/page.js";
import type { Page, PageRequest } from "../state/store.js";
import {
  tagMutabilityOf,
  type CreateRepositoryResult,
  type DeleteManifestResult,
  type ManifestRecord,
  type ManifestRef,
  type PutManifest,
  type PutManifestResult,
  type RegistryMetadata,
  type RegistrySettingName,
  type RepositoryRecord,
  type ResourceTag,
  type TagMutability,
} from "./metadata.js";
import { RwLock } from "./rw-lock.js";

const schema = `
CREATE TABLE IF NOT EXISTS repositories (
  name TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  tag_mutability TEXT NOT NULL,
  lifecycle_policy TEXT
);
CREATE TABLE IF NOT EXISTS manifests (
  repository TEXT NOT NULL REFERENCES repositories(name) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  content BLOB NOT NULL,
  image_size INTEGER NOT NULL,
  pushed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (repository, digest)
);
CREATE TABLE IF NOT EXISTS tags (
  repository TEXT NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (repository, tag),
  FOREIGN KEY (repository, digest) REFERENCES manifests(repository, digest) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS manifest_refs (
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  ref TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('blob', 'manifest')),
  PRIMARY KEY (repository, digest, kind, ref),
  FOREIGN KEY (repository, digest) REFERENCES manifests(repository, digest) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS manifest_refs_by_ref ON manifest_refs(repository, kind, ref);
CREATE TABLE IF NOT EXISTS repository_tags (
  repository TEXT NOT NULL REFERENCES repositories(name) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (repository, key)
);
CREATE TABLE IF NOT EXISTS blob_links (
  repository TEXT NOT NULL REFERENCES repositories(name) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  PRIMARY KEY (repository, digest)
);
`;

interface RepositoryRow {
  name: string;
  created_at_ms: number;
  tag_mutability: string;
  lifecycle_policy: string | null;
  repository_policy?: string | null;
  scan_on_push?: number | null;
  lifecycle_evaluated_at_ms?: number | null;
}
interface ManifestRow {
  repository: string;
  digest: string;
  media_type: string;
  content: Buffer;
  image_size: number;
  pushed_at_ms: number;
}

const repositoryOf = (r: RepositoryRow): RepositoryRecord => ({
  name: r.name,
  createdAtMs: r.created_at_ms,
  imageTagMutability: tagMutabilityOf(r.tag_mutability),
  lifecyclePolicyText: r.lifecycle_policy ?? undefined,
  repositoryPolicyText: r.repository_policy ?? undefined,
  scanOnPush: r.scan_on_push === 1,
  lifecycleEvaluatedAtMs: r.lifecycle_evaluated_at_ms ?? undefined,
});

/**
 * {@link RegistryMetadata} in the registry's own SQLite file (WAL). better-sqlite3 is synchronous,
 * so each method runs to completion inside one call: transactions never interleave.
 */
export class SqliteRegistryMetadata implements RegistryMetadata {
  private readonly db: Database.Database;
  /** One process uses the file: a lock in memory excludes everyone who writes through it. */
  readonly gcLock = new RwLock();

  /** Opens (and creates if needed) the database at `path`; `:memory:` for tests. */
  /** Told the repository's name whenever its policy may have changed (set, removed, or the repository deleted). */
  private readonly policyListeners: ((repository: string) => void)[] = [];

  onPolicyChange(listener: (repository: string) => void): void {
    this.policyListeners.push(listener);
  }

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.exec(schema);
    // Added after the first release: repository policies and registry settings (ECR's policies).
    const columns = this.db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('repositories')").all();
    if (!columns.some((c) => c.name === "repository_policy")) this.db.exec("ALTER TABLE repositories ADD COLUMN repository_policy TEXT");
    // And later: a repository's imageScanningConfiguration (scanOnPush), stored and returned.
    if (!columns.some((c) => c.name === "scan_on_push")) this.db.exec("ALTER TABLE repositories ADD COLUMN scan_on_push INTEGER NOT NULL DEFAULT 0");
    if (!columns.some((c) => c.name === "lifecycle_evaluated_at_ms")) this.db.exec("ALTER TABLE repositories ADD COLUMN lifecycle_evaluated_at_ms INTEGER");
    this.db.exec("CREATE TABLE IF NOT EXISTS registry_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID");
  }

  createRepository(repository: RepositoryRecord, tags: readonly ResourceTag[] = []): Promise<CreateRepositoryResult> {
    const create = this.db.transaction((): CreateRepositoryResult => {
      const info = this.db
        .prepare("INSERT OR IGNORE INTO repositories (name, created_at_ms, tag_mutability, lifecycle_policy, scan_on_push) VALUES (?, ?, ?, ?, ?)")
        .run(repository.name, repository.createdAtMs, repository.imageTagMutability, repository.lifecyclePolicyText ?? null, repository.scanOnPush === true ? 1 : 0);
      if (info.changes !== 1) return { ok: false, reason: "exists" };
      this.writeTags(repository.name, tags);
      return { ok: true, repository };
    });
    return Promise.resolve(create());
  }

  listRepositoryTags(name: string): Promise<ResourceTag[] | undefined> {
    const read = this.db.transaction((): ResourceTag[] | undefined => {
      if (this.db.prepare("SELECT 1 FROM repositories WHERE name = ?").get(name) === undefined) return undefined;
      return this.db.prepare<[string], ResourceTag>("SELECT key, value FROM repository_tags WHERE repository = ? ORDER BY key").all(name);
    });
    return Promise.resolve(read());
  }

  setRepositoryTags(name: string, tags: readonly ResourceTag[]): Promise<boolean> {
    const write = this.db.transaction((): boolean => {
      if (this.db.prepare("SELECT 1 FROM repositories WHERE name = ?").get(name) === undefined) return false;
      this.db.prepare("DELETE FROM repository_tags WHERE repository = ?").run(name);
      this.writeTags(name, tags);
      return true;
    });
    return Promise.resolve(write());
  }

  private writeTags(name: string, tags: readonly ResourceTag[]): void {
    const insert = this.db.prepare("INSERT OR REPLACE INTO repository_tags (repository, key, value) VALUES (?, ?, ?)");
    for (const t of tags) insert.run(name, t.key, t.value);
  }

  getRepository(name: string): Promise<RepositoryRecord | undefined> {
    const row = this.db.prepare<[string], RepositoryRow>("SELECT * FROM repositories WHERE name = ?").get(name);
    return Promise.resolve(row === undefined ? undefined : repositoryOf(row));
  }

  listRepositories(page: PageRequest): Promise<Page<RepositoryRecord>> {
    const rows = this.db
      .prepare<[string, number], RepositoryRow>("SELECT * FROM repositories WHERE name > ? ORDER BY name LIMIT ?")
      .all(page.after ?? "", page.limit + 1);
    return Promise.resolve(pageOf(rows.map(repositoryOf), page, (r) => r.name));
  }

  deleteRepository(name: string): Promise<boolean> {
    const del = this.db.transaction(() => {
      this.db.prepare("DELETE FROM tags WHERE repository = ?").run(name);
      this.db.prepare("DELETE FROM manifest_refs WHERE repository = ?").run(name);
      return this.db.prepare("DELETE FROM repositories WHERE name = ?").run(name).changes === 1;
    });
    const deleted = del();
    for (const l of this.policyListeners) l(name);
    return Promise.resolve(deleted);
  }

  setTagMutability(name: string, m: TagMutability): Promise<boolean> {
    return Promise.resolve(this.db.prepare("UPDATE repositories SET tag_mutability = ? WHERE name = ?").run(m, name).changes === 1);
  }

  setLifecycleEvaluatedAt(name: string, atMs: number): Promise<boolean> {
    const info = this.db.prepare("UPDATE repositories SET lifecycle_evaluated_at_ms = ? WHERE name = ? AND lifecycle_policy IS NOT NULL").run(atMs, name);
    return Promise.resolve(info.changes === 1);
  }

  setScanOnPush(name: string, scanOnPush: boolean): Promise<boolean> {
    return Promise.resolve(this.db.prepare("UPDATE repositories SET scan_on_push = ? WHERE name = ?").run(scanOnPush ? 1 : 0, name).changes === 1);
  }

  setRepositoryPolicy(name: string, text: string | undefined): Promise<boolean> {
    const info = this.db.prepare("UPDATE repositories SET repository_policy = ? WHERE name = ?").run(text ?? null, name);
    for (const l of this.policyListeners) l(name);
    return Promise.resolve(info.changes === 1);
  }

  getRegistrySetting(name: RegistrySettingName): Promise<string | undefined> {
    return Promise.resolve(this.db.prepare<[string], { value: string }>("SELECT value FROM registry_settings WHERE name = ?").get(name)?.value);
  }

  setRegistrySetting(name: RegistrySettingName, value: string | undefined): Promise<void> {
    if (value === undefined) this.db.prepare("DELETE FROM registry_settings WHERE name = ?").run(name);
    else this.db.prepare("INSERT INTO registry_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(name, value);
    return Promise.resolve();
  }

  setLifecyclePolicy(name: string, text: string | undefined): Promise<boolean> {
    // A new policy has not run yet: lastEvaluatedAt starts again with it.
    const info = this.db.prepare("UPDATE repositories SET lifecycle_policy = ?, lifecycle_evaluated_at_ms = NULL WHERE name = ?").run(text ?? null, name);
    return Promise.resolve(info.changes === 1);
  }

  putManifest(put: PutManifest): Promise<PutManifestResult> {
    const tx = this.db.transaction((): PutManifestResult => {
      const repo = this.db.prepare<[string], RepositoryRow>("SELECT * FROM repositories WHERE name = ?").get(put.repository);
      if (repo === undefined) return { ok: false, reason: "repository-not-found" };
      if (put.tag !== undefined && tagMutabilityOf(repo.tag_mutability) === "IMMUTABLE") {
        const current = this.tagDigest(put.repository, put.tag);
        if (current !== undefined && current !== put.digest) return { ok: false, reason: "tag-immutable", currentDigest: current };
      }
      const created =
        this.db
          .prepare(
            "INSERT OR IGNORE INTO manifests (repository, digest, media_type, content, image_size, pushed_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
          )
          .run(put.repository, put.digest, put.mediaType, put.content, put.imageSize, put.pushedAtMs).changes === 1;
      const ref = this.db.prepare("INSERT OR IGNORE INTO manifest_refs (repository, digest, ref, kind) VALUES (?, ?, ?, ?)");
      const link = this.db.prepare("INSERT OR IGNORE INTO blob_links (repository, digest) VALUES (?, ?)");
      for (const b of put.blobs) {
        ref.run(put.repository, put.digest, b, "blob");
        link.run(put.repository, b);
      }
      for (const m of put.manifests) ref.run(put.repository, put.digest, m, "manifest");
      if (put.tag !== undefined) {
        this.db
          .prepare("INSERT INTO tags (repository, tag, digest) VALUES (?, ?, ?) ON CONFLICT (repository, tag) DO UPDATE SET digest = excluded.digest")
          .run(put.repository, put.tag, put.digest);
      }
      return { ok: true, created };
    });
    return Promise.resolve(tx());
  }

  private tagDigest(repository: string, tag: string): string | undefined {
    return this.db
      .prepare<[string, string], { digest: string }>("SELECT digest FROM tags WHERE repository = ? AND tag = ?")
      .get(repository, tag)?.digest;
  }

  private tagsOf(repository: string, digest: string): string[] {
    return this.db
      .prepare<[string, string], { tag: string }>("SELECT tag FROM tags WHERE repository = ? AND digest = ? ORDER BY tag")
      .all(repository, digest)
      .map((r) => r.tag);
  }

  private record(row: ManifestRow): ManifestRecord {
    return {
      repository: row.repository,
      digest: row.digest,
      mediaType: row.media_type,
      content: row.content,
      imageSize: row.image_size,
      pushedAtMs: row.pushed_at_ms,
      tags: this.tagsOf(row.repository, row.digest),
    };
  }

  getManifest(repository: string, ref: ManifestRef): Promise<ManifestRecord | undefined> {
    const digest = "digest" in ref ? ref.digest : this.tagDigest(repository, ref.tag);
    if (digest === undefined) return Promise.resolve(undefined);
    const row = this.db
      .prepare<[string, string], ManifestRow>("SELECT * FROM manifests WHERE repository = ? AND digest = ?")
      .get(repository, digest);
    return Promise.resolve(row === undefined ? undefined : this.record(row));
  }

  listManifests(repository: string): Promise<ManifestRecord[]> {
    const rows = this.db
      .prepare<[string], ManifestRow>("SELECT * FROM manifests WHERE repository = ? ORDER BY pushed_at_ms, digest")
      .all(repository);
    return Promise.resolve(rows.map((r) => this.record(r)));
  }

  listTags(repository: string, page: PageRequest): Promise<Page<string>> {
    const rows = this.db
      .prepare<[string, string, number], { tag: string }>("SELECT tag FROM tags WHERE repository = ? AND tag > ? ORDER BY tag LIMIT ?")
      .all(repository, page.after ?? "", page.limit + 1);
    return Promise.resolve(pageOf(rows.map((r) => r.tag), page, (t) => t));
  }

  untag(repository: string, tag: string): Promise<boolean> {
    return Promise.resolve(this.db.prepare("DELETE FROM tags WHERE repository = ? AND tag = ?").run(repository, tag).changes === 1);
  }

  deleteManifest(repository: string, digest: string): Promise<DeleteManifestResult> {
    const tx = this.db.transaction((): DeleteManifestResult => {
      const exists = this.db.prepare("SELECT 1 FROM manifests WHERE repository = ? AND digest = ?").get(repository, digest);
      if (exists === undefined) return { ok: false, reason: "not-found" };
      const parent = this.db
        .prepare<[string, string], { digest: string }>(
          "SELECT digest FROM manifest_refs WHERE repository = ? AND kind = 'manifest' AND ref = ? LIMIT 1",
        )
        .get(repository, digest);
      if (parent !== undefined) return { ok: false, reason: "referenced-by-index", parent: parent.digest };
      const tags = this.tagsOf(repository, digest);
      this.db.prepare("DELETE FROM tags WHERE repository = ? AND digest = ?").run(repository, digest);
      this.db.prepare("DELETE FROM manifest_refs WHERE repository = ? AND digest = ?").run(repository, digest);
      this.db.prepare("DELETE FROM manifests WHERE repository = ? AND digest = ?").run(repository, digest);
      return { ok: true, tags };
    });
    return Promise.resolve(tx());
  }

  linkBlob(repository: string, digest: string): Promise<void> {
    this.db.prepare("INSERT OR IGNORE INTO blob_links (repository, digest) VALUES (?, ?)").run(repository, digest);
    return Promise.resolve();
  }

  unlinkBlob(repository: string, digest: string): Promise<boolean> {
    const info = this.db.prepare("DELETE FROM blob_links WHERE repository = ? AND digest = ?").run(repository, digest);
    return Promise.resolve(info.changes === 1);
  }

  isBlobLinked(repository: string, digest: string): Promise<boolean> {
    return Promise.resolve(this.db.prepare("SELECT 1 FROM blob_links WHERE repository = ? AND digest = ?").get(repository, digest) !== undefined);
  }

  referencedBlobs(): Promise<Set<string>> {
    const rows = this.db.prepare<[], { ref: string }>("SELECT DISTINCT ref FROM manifest_refs WHERE kind = 'blob'").all();
    return Promise.resolve(new Set(rows.map((r) => r.ref)));
  }

  forgetBlobs(digests: readonly string[]): Promise<void> {
    const del = this.db.prepare("DELETE FROM blob_links WHERE digest = ?");
    this.db.transaction(() => {
      for (const d of digests) del.run(d);
    })();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
