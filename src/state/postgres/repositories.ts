import type { Tag } from "@aws-sdk/client-ecs";
import type { ClusterRecord, ClusterStatus } from "../../domain/cluster.js";
import type {
  ClusterRepository,
  FamilyQuery,
  Page,
  PageRequest,
  TagRepository,
  TaskDefinitionQuery,
  TaskDefinitionRecord,
  TaskDefinitionRepository,
} from "../store.js";
import type { ChangeRecorder } from "./change-table.js";
import { page } from "../page.js";
import { hasPrefix, type DocRow, type VersionRow } from "./rows.js";
import type { Sql } from "./sql.js";
import { saveVersioned } from "./versioned.js";

/**
 * PostgreSQL repositories over the read pool or the writer connection (see sql.ts), one for one
 * with sqlite/repositories.ts.
 */

export class PostgresClusters implements ClusterRepository {
  constructor(
    private readonly db: Sql,
    private readonly log: ChangeRecorder,
  ) {}

  async get(name: string): Promise<ClusterRecord | undefined> {
    return (await this.db.row<DocRow<ClusterRecord>>("SELECT doc FROM clusters WHERE name = $1", [name]))?.doc;
  }

  async list(req: PageRequest & { readonly status?: ClusterStatus }): Promise<Page<ClusterRecord>> {
    const rows = await this.db.rows<DocRow<ClusterRecord>>(
      "SELECT doc FROM clusters WHERE name > $1 AND ($2 = '' OR status = $2) ORDER BY name LIMIT $3",
      [req.after ?? "", req.status ?? "", req.limit + 1],
    );
    return page(rows.map((r) => r.doc), req, (c) => c.name);
  }

  put(cluster: ClusterRecord): Promise<void> {
    const doc = JSON.stringify(cluster);
    return saveVersioned(
      {
        kind: "cluster",
        key: cluster.name,
        version: cluster.version,
        insert: () => this.db.run("INSERT INTO clusters (name, version, status, doc) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING", [cluster.name, cluster.version, cluster.status, doc]),
        update: () => this.db.run("UPDATE clusters SET version = $2, status = $3, doc = $4 WHERE name = $1 AND version = $2 - 1", [cluster.name, cluster.version, cluster.status, doc]),
        stored: async () => (await this.db.row<VersionRow>("SELECT version FROM clusters WHERE name = $1", [cluster.name]))?.version,
        change: { kind: "cluster", record: cluster },
      },
      this.log,
    );
  }
}

export class PostgresTaskDefinitions implements TaskDefinitionRepository {
  constructor(private readonly db: Sql) {}

  async get(family: string, revision: number): Promise<TaskDefinitionRecord | undefined> {
    return (await this.db.row<DocRow<TaskDefinitionRecord>>("SELECT doc FROM task_definitions WHERE family = $1 AND revision = $2", [family, revision]))?.doc;
  }

  async latestActive(family: string): Promise<TaskDefinitionRecord | undefined> {
    const text = "SELECT doc FROM task_definitions WHERE family = $1 AND status = 'ACTIVE' ORDER BY revision DESC LIMIT 1";
    return (await this.db.row<DocRow<TaskDefinitionRecord>>(text, [family]))?.doc;
  }

  async list(q: TaskDefinitionQuery): Promise<Page<TaskDefinitionRecord>> {
    const params: unknown[] = [q.familyPrefix ?? ""];
    const where = [hasPrefix("family", 1)];
    const bind = (value: unknown) => `$${params.push(value)}`;
    if (q.status) where.push(`status = ${bind(q.status)}`);
    if (q.family !== undefined) where.push(`family = ${bind(q.family)}`);
    if (q.after) {
      const [family, revision] = splitKey(q.after);
      where.push(`(family, revision) ${q.descending ? "<" : ">"} (${bind(family)}, ${bind(revision)})`);
    }
    const order = q.descending ? "family DESC, revision DESC" : "family, revision";
    const rows = await this.db.rows<DocRow<TaskDefinitionRecord>>(`SELECT doc FROM task_definitions WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ${bind(q.limit + 1)}`, params);
    return page(rows.map((r) => r.doc), q, (t) => `${t.family}:${t.revision}`);
  }

  async families(q: FamilyQuery): Promise<Page<string>> {
    const active = "EXISTS (SELECT 1 FROM task_definitions t WHERE t.family = f.family AND t.status = 'ACTIVE')";
    const statusClause = q.status === "ACTIVE" ? `AND ${active}` : q.status === "INACTIVE" ? `AND NOT ${active}` : "";
    const rows = await this.db.rows<{ family: string }>(
      `SELECT family FROM task_definition_families f
       WHERE ${hasPrefix("family", 1)} AND family > $2 ${statusClause}
         AND EXISTS (SELECT 1 FROM task_definitions t WHERE t.family = f.family)
       ORDER BY family LIMIT $3`,
      [q.familyPrefix ?? "", q.after ?? "", q.limit + 1],
    );
    return page(rows.map((r) => r.family), q, (f) => f);
  }

  async allocateRevision(family: string): Promise<number> {
    const row = await this.db.row<{ last_revision: number }>(
      `INSERT INTO task_definition_families (family, last_revision) VALUES ($1, 1)
       ON CONFLICT (family) DO UPDATE SET last_revision = task_definition_families.last_revision + 1 RETURNING last_revision`,
      [family],
    );
    return row!.last_revision;
  }

  async put(record: TaskDefinitionRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO task_definitions (family, revision, status, doc) VALUES ($1, $2, $3, $4)
       ON CONFLICT (family, revision) DO UPDATE SET status = excluded.status, doc = excluded.doc`,
      [record.family, record.revision, record.status, JSON.stringify(record)],
    );
  }
}

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf(":");
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

export class PostgresTags implements TagRepository {
  constructor(private readonly db: Sql) {}

  async list(resourceArn: string): Promise<Tag[]> {
    const rows = await this.db.rows<Required<Tag>>("SELECT key, value FROM tags WHERE resource_arn = $1 ORDER BY key", [resourceArn]);
    return rows.map((r) => ({ key: r.key, value: r.value }));
  }

  async put(resourceArn: string, tags: readonly Tag[]): Promise<void> {
    // One row per key, the last value winning as in a loop of puts (one INSERT may not touch a row twice).
    const byKey = new Map(tags.map((t) => [t.key ?? "", t.value ?? ""]));
    if (byKey.size === 0) return;
    await this.db.run(
      `INSERT INTO tags (resource_arn, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t (k, v)
       ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`,
      [resourceArn, [...byKey.keys()], [...byKey.values()]],
    );
  }

  async remove(resourceArn: string, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.db.run("DELETE FROM tags WHERE resource_arn = $1 AND key = ANY($2::text[])", [resourceArn, [...keys]]);
  }
}
