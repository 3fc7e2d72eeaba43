import pg from "pg";
import { page as pageOf } from "../state/page.js";
import type { Page, PageRequest } from "../state/store.js";
import { sqlOver, types, type Sql } from "../state/postgres/sql.js";
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
import { migrate } from "../state/postgres/migrate.js";
import { registryMigrations } from "./postgres-metadata-schema.js";
import { PolicyNotifications } from "./policy-notifications.js";
import { PostgresGcLock } from "./postgres-gc-lock.js";

export interface PostgresRegistryMetadataOptions {
  /** A `postgres://` connection string: the state store's database. */
  readonly url: string;
  /** The schema (the region's, as the store's); created if missing. Default `public`. */
  readonly schema?: string;
  /** Connections of its pool. */
  readonly connections?: number;
  /** Connections of the GC lock's own pool: how many pushes and mounts of this replica hold the lock at once. */
  readonly gcLockConnections?: number;
  /** How often a broken policy-listening connection is made anew. */
  readonly reconnectEveryMs?: number;
}

interface RepositoryRow {
  name: string;
  created_at_ms: number;
  tag_mutability: string;
  lifecycle_policy: string | null;
  repository_policy: string | null;
  scan_on_push: boolean;
  lifecycle_evaluated_at_ms: number | null;
}
interface ManifestRow {
  repository: string;
  digest: string;
  media_type: string;
  content: Buffer;
  image_size: number;
  pushed_at_ms: number;
  tags: string[];
}

const repositoryOf = (r: RepositoryRow): RepositoryRecord => ({
  name: r.name,
  createdAtMs: r.created_at_ms,
  imageTagMutability: tagMutabilityOf(r.tag_mutability),
  lifecyclePolicyText: r.lifecycle_policy ?? undefined,
  repositoryPolicyText: r.repository_policy ?? undefined,
  scanOnPush: r.scan_on_push,
  lifecycleEvaluatedAtMs: r.lifecycle_evaluated_at_ms ?? undefined,
});

const recordOf = (r: ManifestRow): ManifestRecord => ({
  repository: r.repository,
  digest: r.digest,
  mediaType: r.media_type,
  content: r.content,
  imageSize: r.image_size,
  pushedAtMs: r.pushed_at_ms,
  tags: r.tags,
});

/** A manifest's columns with its tags in lexical order, for `FROM registry_manifests m`. */
const manifestColumns = `m.repository, m.digest, m.media_type, m.content, m.image_size, m.pushed_at_ms,
  ARRAY(SELECT t.tag FROM registry_tags t WHERE t.repository = m.repository AND t.digest = m.digest ORDER BY t.tag) AS tags`;

/**
 * The repository's row, locked for the rest of the transaction: every write of more than one
 * statement to a repository's manifests or tags takes it first, so such writes serialize per
 * repository across replicas (an IMMUTABLE tag cannot be given two digests by two racing pushes,
 * two TagResource calls cannot merge) and always lock in the same order. `NO KEY UPDATE` leaves
 * `linkBlob`'s foreign-key checks free.
 */
const lockRepository = "SELECT * FROM registry_repositories WHERE name = $1 FOR NO KEY UPDATE";

/** Deadlocks and serialization failures: the transaction was rolled back and may simply run again. */
const retryable = (err: unknown): boolean => err instanceof Error && "code" in err && (err.code === "40P01" || err.code === "40001");
const attempts = 5;

/**
 * {@link RegistryMetadata} in PostgreSQL, beside the state store's tables: what several replicas of
 * one region share. Its behaviour is `SqliteRegistryMetadata`'s (orders, pages, idempotence); where
 * SQLite runs a `db.transaction`, this runs a transaction on one pooled connection, and writes to
 * one repository lock its row first (see {@link lockRepository}). Single reads are one statement
 * each, so each sees one committed state. `onPolicyChange` hears every replica's changes
 * (policy-notifications.ts). GC and pushes exclude each other across replicas by an advisory
 * lock (postgres-gc-lock.ts).
 */
export class PostgresRegistryMetadata implements RegistryMetadata {
  private readonly sql: Sql;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly notifications: PolicyNotifications,
    readonly gcLock: PostgresGcLock,
  ) {
    this.sql = sqlOver(pool);
  }

  /** Connects, brings the registry's tables up to date (one replica at a time), and listens for policy changes. */
  static async open({ url, schema = "public", connections = 4, gcLockConnections = 8, reconnectEveryMs = 1000 }: PostgresRegistryMetadataOptions): Promise<PostgresRegistryMetadata> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
    const channel = `berth_registry_policy_${schema}`;
    // PostgreSQL cuts identifiers at 63 bytes: LISTEN would then hear another channel than pg_notify names.
    if (channel.length > 63) throw new Error(`schema name too long for the registry's notifications: ${schema}`);
    const connection = { connectionString: url, types, options: `-c search_path=${schema}` };
    const pool = new pg.Pool({ ...connection, max: connections });
    // An idle pooled connection that breaks is dropped by the pool; its error must not end the process.
    pool.on("error", () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, schema, "registry_schema_version", registryMigrations);
      } finally {
        client.release();
      }
      const repositories = async () => (await pool.query<{ name: string }>("SELECT name FROM registry_repositories")).rows.map((r) => r.name);
      const notifications = await PolicyNotifications.start({ connection, channel, repositories, reconnectEveryMs });
      return new PostgresRegistryMetadata(pool, notifications, new PostgresGcLock({ connection, schema, connections: gcLockConnections }));
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  /** Told the repository's name whenever its policy may have changed, on this replica or another (set, removed, or the repository deleted or created). */
  onPolicyChange(listener: (repository: string) => void): void {
    this.notifications.onPolicyChange(listener);
  }

  /** Runs `fn` in one transaction on one pooled connection; again after a deadlock. */
  private async transaction<T>(fn: (sql: Sql, client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const value = await fn(sqlOver(() => client), client);
        await client.query("COMMIT");
        return value;
      } catch (err) {
        await client.query("ROLLBACK").catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
        if (retryable(err) && attempt < attempts) continue;
        throw err;
      } finally {
        // A connection whose ROLLBACK failed is in no known state: the pool drops it.
        client.release(broken);
      }
    }
  }

  /** A transaction that may change `repository`'s policy: it notifies the other replicas as it commits, and this one's listeners after. */
  private async policyTransaction<T>(repository: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
    try {
      return await this.transaction(async (sql, client) => {
        const value = await fn(sql);
        await this.notifications.notify((text, params) => client.query(text, [...params]), repository);
        return value;
      });
    } finally {
      this.notifications.changed(repository);
    }
  }

  createRepository(repository: RepositoryRecord, tags: readonly ResourceTag[] = []): Promise<CreateRepositoryResult> {
    // A repository created anew: another replica may remember a policy of a former one of that name
    // whose deletion it did not hear (its listener was down), so the others are told. SQLite's
    // listeners are not: with one process, the deletion was heard.
    return this.transaction(async (sql, client) => {
      const inserted = await sql.run(
        "INSERT INTO registry_repositories (name, created_at_ms, tag_mutability, lifecycle_policy, scan_on_push) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
        [repository.name, repository.createdAtMs, repository.imageTagMutability, repository.lifecyclePolicyText ?? null, repository.scanOnPush === true],
      );
      if (inserted !== 1) return { ok: false, reason: "exists" } as const;
      await writeTags(sql, repository.name, tags);
      await this.notifications.notify((text, params) => client.query(text, [...params]), repository.name);
      return { ok: true, repository } as const;
    });
  }

  async listRepositoryTags(name: string): Promise<ResourceTag[] | undefined> {
    const rows = await this.sql.rows<{ key: string | null; value: string | null }>(
      "SELECT t.key, t.value FROM registry_repositories r LEFT JOIN registry_repository_tags t ON t.repository = r.name WHERE r.name = $1 ORDER BY t.key",
      [name],
    );
    if (rows.length === 0) return undefined;
    return rows.flatMap((r) => (r.key === null || r.value === null ? [] : [{ key: r.key, value: r.value }]));
  }

  setRepositoryTags(name: string, tags: readonly ResourceTag[]): Promise<boolean> {
    return this.transaction(async (sql) => {
      if ((await sql.row(lockRepository, [name])) === undefined) return false;
      await sql.run("DELETE FROM registry_repository_tags WHERE repository = $1", [name]);
      await writeTags(sql, name, tags);
      return true;
    });
  }

  async getRepository(name: string): Promise<RepositoryRecord | undefined> {
    const row = await this.sql.row<RepositoryRow>("SELECT * FROM registry_repositories WHERE name = $1", [name]);
    return row === undefined ? undefined : repositoryOf(row);
  }

  async listRepositories(page: PageRequest): Promise<Page<RepositoryRecord>> {
    const rows = await this.sql.rows<RepositoryRow>("SELECT * FROM registry_repositories WHERE name > $1 ORDER BY name LIMIT $2", [page.after ?? "", page.limit + 1]);
    return pageOf(rows.map(repositoryOf), page, (r) => r.name);
  }

  deleteRepository(name: string): Promise<boolean> {
    // Its manifests, their tags and references, its resource tags and blob links go by cascade.
    return this.policyTransaction(name, async (sql) => (await sql.run("DELETE FROM registry_repositories WHERE name = $1", [name])) === 1);
  }

  async setTagMutability(name: string, m: TagMutability): Promise<boolean> {
    return (await this.sql.run("UPDATE registry_repositories SET tag_mutability = $1 WHERE name = $2", [m, name])) === 1;
  }

  async setLifecycleEvaluatedAt(name: string, atMs: number): Promise<boolean> {
    return (await this.sql.run("UPDATE registry_repositories SET lifecycle_evaluated_at_ms = $1 WHERE name = $2 AND lifecycle_policy IS NOT NULL", [atMs, name])) === 1;
  }

  async setScanOnPush(name: string, scanOnPush: boolean): Promise<boolean> {
    return (await this.sql.run("UPDATE registry_repositories SET scan_on_push = $1 WHERE name = $2", [scanOnPush, name])) === 1;
  }

  setRepositoryPolicy(name: string, text: string | undefined): Promise<boolean> {
    return this.policyTransaction(name, async (sql) => (await sql.run("UPDATE registry_repositories SET repository_policy = $1 WHERE name = $2", [text ?? null, name])) === 1);
  }

  async getRegistrySetting(name: RegistrySettingName): Promise<string | undefined> {
    return (await this.sql.row<{ value: string }>("SELECT value FROM registry_settings WHERE name = $1", [name]))?.value;
  }

  async setRegistrySetting(name: RegistrySettingName, value: string | undefined): Promise<void> {
    if (value === undefined) await this.sql.run("DELETE FROM registry_settings WHERE name = $1", [name]);
    else await this.sql.run("INSERT INTO registry_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, value]);
  }

  async setLifecyclePolicy(name: string, text: string | undefined): Promise<boolean> {
    // A new policy has not run yet: lastEvaluatedAt starts again with it.
    return (await this.sql.run("UPDATE registry_repositories SET lifecycle_policy = $1, lifecycle_evaluated_at_ms = NULL WHERE name = $2", [text ?? null, name])) === 1;
  }

  putManifest(put: PutManifest): Promise<PutManifestResult> {
    return this.transaction(async (sql): Promise<PutManifestResult> => {
      const repo = await sql.row<RepositoryRow>(lockRepository, [put.repository]);
      if (repo === undefined) return { ok: false, reason: "repository-not-found" };
      if (put.tag !== undefined && tagMutabilityOf(repo.tag_mutability) === "IMMUTABLE") {
        const current = await tagDigest(sql, put.repository, put.tag);
        if (current !== undefined && current !== put.digest) return { ok: false, reason: "tag-immutable", currentDigest: current };
      }
      const created =
        (await sql.run(
          "INSERT INTO registry_manifests (repository, digest, media_type, content, image_size, pushed_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
          [put.repository, put.digest, put.mediaType, put.content, put.imageSize, put.pushedAtMs],
        )) === 1;
      const refs = "INSERT INTO registry_manifest_refs (repository, digest, ref, kind) SELECT $1, $2, unnest($3::text[]), $4 ON CONFLICT DO NOTHING";
      if (put.blobs.length > 0) {
        await sql.run(refs, [put.repository, put.digest, put.blobs, "blob"]);
        await sql.run("INSERT INTO registry_blob_links (repository, digest) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", [put.repository, put.blobs]);
      }
      if (put.manifests.length > 0) await sql.run(refs, [put.repository, put.digest, put.manifests, "manifest"]);
      if (put.tag !== undefined) {
        await sql.run("INSERT INTO registry_tags (repository, tag, digest) VALUES ($1, $2, $3) ON CONFLICT (repository, tag) DO UPDATE SET digest = excluded.digest", [
          put.repository,
          put.tag,
          put.digest,
        ]);
      }
      return { ok: true, created };
    });
  }

  async getManifest(repository: string, ref: ManifestRef): Promise<ManifestRecord | undefined> {
    const row =
      "digest" in ref
        ? await this.sql.row<ManifestRow>(`SELECT ${manifestColumns} FROM registry_manifests m WHERE m.repository = $1 AND m.digest = $2`, [repository, ref.digest])
        : await this.sql.row<ManifestRow>(
            `SELECT ${manifestColumns} FROM registry_tags g JOIN registry_manifests m ON m.repository = g.repository AND m.digest = g.digest WHERE g.repository = $1 AND g.tag = $2`,
            [repository, ref.tag],
          );
    return row === undefined ? undefined : recordOf(row);
  }

  async listManifests(repository: string): Promise<ManifestRecord[]> {
    const rows = await this.sql.rows<ManifestRow>(`SELECT ${manifestColumns} FROM registry_manifests m WHERE m.repository = $1 ORDER BY m.pushed_at_ms, m.digest`, [repository]);
    return rows.map(recordOf);
  }

  async listTags(repository: string, page: PageRequest): Promise<Page<string>> {
    const rows = await this.sql.rows<{ tag: string }>("SELECT tag FROM registry_tags WHERE repository = $1 AND tag > $2 ORDER BY tag LIMIT $3", [repository, page.after ?? "", page.limit + 1]);
    return pageOf(
      rows.map((r) => r.tag),
      page,
      (t) => t,
    );
  }

  async untag(repository: string, tag: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM registry_tags WHERE repository = $1 AND tag = $2", [repository, tag])) === 1;
  }

  deleteManifest(repository: string, digest: string): Promise<DeleteManifestResult> {
    return this.transaction(async (sql): Promise<DeleteManifestResult> => {
      // Locked as a push locks it: an index pushed meanwhile either names this manifest before the check, or after it is gone.
      if ((await sql.row(lockRepository, [repository])) === undefined) return { ok: false, reason: "not-found" };
      const exists = await sql.row("SELECT 1 FROM registry_manifests WHERE repository = $1 AND digest = $2", [repository, digest]);
      if (exists === undefined) return { ok: false, reason: "not-found" };
      const parent = await sql.row<{ digest: string }>("SELECT digest FROM registry_manifest_refs WHERE repository = $1 AND kind = 'manifest' AND ref = $2 LIMIT 1", [repository, digest]);
      if (parent !== undefined) return { ok: false, reason: "referenced-by-index", parent: parent.digest };
      const tags = (await sql.rows<{ tag: string }>("SELECT tag FROM registry_tags WHERE repository = $1 AND digest = $2 ORDER BY tag", [repository, digest])).map((r) => r.tag);
      // Its tags and references go by cascade.
      await sql.run("DELETE FROM registry_manifests WHERE repository = $1 AND digest = $2", [repository, digest]);
      return { ok: true, tags };
    });
  }

  async linkBlob(repository: string, digest: string): Promise<void> {
    await this.sql.run("INSERT INTO registry_blob_links (repository, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING", [repository, digest]);
  }

  async unlinkBlob(repository: string, digest: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM registry_blob_links WHERE repository = $1 AND digest = $2", [repository, digest])) === 1;
  }

  async isBlobLinked(repository: string, digest: string): Promise<boolean> {
    return (await this.sql.row("SELECT 1 FROM registry_blob_links WHERE repository = $1 AND digest = $2", [repository, digest])) !== undefined;
  }

  async referencedBlobs(): Promise<Set<string>> {
    const rows = await this.sql.rows<{ ref: string }>("SELECT DISTINCT ref FROM registry_manifest_refs WHERE kind = 'blob'");
    return new Set(rows.map((r) => r.ref));
  }

  async forgetBlobs(digests: readonly string[]): Promise<void> {
    if (digests.length > 0) await this.sql.run("DELETE FROM registry_blob_links WHERE digest = ANY($1::text[])", [digests]);
  }

  async close(): Promise<void> {
    await this.notifications.close();
    await this.gcLock.close();
    await this.pool.end();
  }
}

/** Adds resource tags (a key given twice keeps its last value, as SQLite's INSERT OR REPLACE does). */
async function writeTags(sql: Sql, name: string, tags: readonly ResourceTag[]): Promise<void> {
  if (tags.length === 0) return;
  const byKey = new Map(tags.map((t) => [t.key, t.value]));
  await sql.run(
    "INSERT INTO registry_repository_tags (repository, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT (repository, key) DO UPDATE SET value = excluded.value",
    [name, [...byKey.keys()], [...byKey.values()]],
  );
}

async function tagDigest(sql: Sql, repository: string, tag: string): Promise<string | undefined> {
  return (await sql.row<{ digest: string }>("SELECT digest FROM registry_tags WHERE repository = $1 AND tag = $2", [repository, tag]))?.digest;
}
