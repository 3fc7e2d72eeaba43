import type { Database, Statement } from "better-sqlite3";
import type { Tag } from "@aws-sdk/client-ecs";
import { page } from "../page.js";
import { familyHasPrefix, parseDoc, type DocRow, type VersionRow } from "./rows.js";
import type { ChangeRecorder } from "./change-table.js";
import { saveVersioned } from "./versioned.js";
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

/**
 * SQLite repositories over one connection. The same classes serve the read connection (where only the
 * reader methods are called) and the write connection (inside the store's transaction).
 */

interface ClusterRow {
  name: string;
  version: number;
  doc: string;
}

export class SqliteClusters implements ClusterRepository {
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly listStmt: Statement<[{ after: string; status: string; limit: number }], DocRow>;
  private readonly insertStmt: Statement<[ClusterRow]>;
  private readonly updateStmt: Statement<[ClusterRow]>;
  private readonly versionStmt: Statement<[string], VersionRow>;

  constructor(db: Database, private readonly log: ChangeRecorder) {
    this.getStmt = db.prepare("SELECT doc FROM clusters WHERE name = ?");
    this.versionStmt = db.prepare("SELECT version FROM clusters WHERE name = ?");
    this.listStmt = db.prepare(
      "SELECT doc FROM clusters WHERE name > @after AND (@status = '' OR doc ->> '$.status' = @status) ORDER BY name LIMIT @limit",
    );
    this.insertStmt = db.prepare("INSERT INTO clusters (name, version, doc) VALUES (@name, @version, @doc) ON CONFLICT (name) DO NOTHING");
    this.updateStmt = db.prepare("UPDATE clusters SET version = @version, doc = @doc WHERE name = @name AND version = @version - 1");
  }

  get(name: string): Promise<ClusterRecord | undefined> {
    const row = this.getStmt.get(name);
    return Promise.resolve(row && parseDoc<ClusterRecord>(row));
  }

  list(req: PageRequest & { readonly status?: ClusterStatus }): Promise<Page<ClusterRecord>> {
    const rows = this.listStmt.all({ after: req.after ?? "", status: req.status ?? "", limit: req.limit + 1 }).map((r) => parseDoc<ClusterRecord>(r));
    return Promise.resolve(page(rows, req, (c) => c.name));
  }

  put(cluster: ClusterRecord): Promise<void> {
    const row: ClusterRow = { name: cluster.name, version: cluster.version, doc: JSON.stringify(cluster) };
    saveVersioned({
      kind: "cluster",
      key: cluster.name,
      version: cluster.version,
      insert: () => this.insertStmt.run(row).changes,
      update: () => this.updateStmt.run(row).changes,
      stored: () => this.versionStmt.get(cluster.name)?.version,
      change: { kind: "cluster", record: cluster },
    }, this.log);
    return Promise.resolve();
  }
}

export class SqliteTaskDefinitions implements TaskDefinitionRepository {
  private readonly db: Database;
  private readonly getStmt: Statement<[string, number], DocRow>;
  private readonly latestStmt: Statement<[string], DocRow>;
  private readonly allocateStmt: Statement<[string], { last_revision: number }>;
  private readonly putStmt: Statement<[string, number, string, string]>;

  constructor(db: Database) {
    this.db = db;
    this.getStmt = db.prepare("SELECT doc FROM task_definitions WHERE family = ? AND revision = ?");
    this.latestStmt = db.prepare(
      "SELECT doc FROM task_definitions WHERE family = ? AND status = 'ACTIVE' ORDER BY revision DESC LIMIT 1",
    );
    this.allocateStmt = db.prepare(
      `INSERT INTO task_definition_families (family, last_revision) VALUES (?, 1)
       ON CONFLICT (family) DO UPDATE SET last_revision = last_revision + 1 RETURNING last_revision`,
    );
    this.putStmt = db.prepare(
      `INSERT INTO task_definitions (family, revision, status, doc) VALUES (?, ?, ?, ?)
       ON CONFLICT (family, revision) DO UPDATE SET status = excluded.status, doc = excluded.doc`,
    );
  }

  get(family: string, revision: number): Promise<TaskDefinitionRecord | undefined> {
    const row = this.getStmt.get(family, revision);
    return Promise.resolve(row && parseDoc<TaskDefinitionRecord>(row));
  }

  latestActive(family: string): Promise<TaskDefinitionRecord | undefined> {
    const row = this.latestStmt.get(family);
    return Promise.resolve(row && parseDoc<TaskDefinitionRecord>(row));
  }

  list(q: TaskDefinitionQuery): Promise<Page<TaskDefinitionRecord>> {
    const where = [familyHasPrefix];
    const params: (string | number)[] = [q.familyPrefix ?? "", q.familyPrefix ?? ""];
    if (q.status) {
      where.push("status = ?");
      params.push(q.status);
    }
    if (q.family !== undefined) {
      where.push("family = ?");
      params.push(q.family);
    }
    if (q.after) {
      const [family, revision] = splitKey(q.after);
      where.push(q.descending ? "(family, revision) < (?, ?)" : "(family, revision) > (?, ?)");
      params.push(family, revision);
    }
    const order = q.descending ? "family DESC, revision DESC" : "family, revision";
    const rows = this.db
      .prepare<(string | number)[], DocRow>(`SELECT doc FROM task_definitions WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ?`)
      .all(...params, q.limit + 1)
      .map((r) => parseDoc<TaskDefinitionRecord>(r));
    return Promise.resolve(page(rows, q, (t) => `${t.family}:${t.revision}`));
  }

  families(q: FamilyQuery): Promise<Page<string>> {
    const active = "EXISTS (SELECT 1 FROM task_definitions t WHERE t.family = f.family AND t.status = 'ACTIVE')";
    const statusClause = q.status === "ACTIVE" ? `AND ${active}` : q.status === "INACTIVE" ? `AND NOT ${active}` : "";
    const rows = this.db
      .prepare<[string, string, string, number], { family: string }>(
        `SELECT family FROM task_definition_families f
         WHERE ${familyHasPrefix} AND family > ? ${statusClause}
           AND EXISTS (SELECT 1 FROM task_definitions t WHERE t.family = f.family)
         ORDER BY family LIMIT ?`,
      )
      .all(q.familyPrefix ?? "", q.familyPrefix ?? "", q.after ?? "", q.limit + 1)
      .map((r) => r.family);
    return Promise.resolve(page(rows, q, (f) => f));
  }

  allocateRevision(family: string): Promise<number> {
    return Promise.resolve(this.allocateStmt.get(family)!.last_revision);
  }

  put(record: TaskDefinitionRecord): Promise<void> {
    this.putStmt.run(record.family, record.revision, record.status, JSON.stringify(record));
    return Promise.resolve();
  }
}

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf(":");
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

export class SqliteTags implements TagRepository {
  private readonly listStmt: Statement<[string], Required<Tag>>;
  private readonly putStmt: Statement<[string, string, string]>;
  private readonly removeStmt: Statement<[string, string]>;

  constructor(db: Database) {
    this.listStmt = db.prepare("SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key");
    this.putStmt = db.prepare(
      "INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?) ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value",
    );
    this.removeStmt = db.prepare("DELETE FROM tags WHERE resource_arn = ? AND key = ?");
  }

  list(resourceArn: string): Promise<Tag[]> {
    return Promise.resolve(this.listStmt.all(resourceArn).map((r) => ({ key: r.key, value: r.value })));
  }

  put(resourceArn: string, tags: readonly Tag[]): Promise<void> {
    for (const t of tags) this.putStmt.run(resourceArn, t.key ?? "", t.value ?? "");
    return Promise.resolve();
  }

  remove(resourceArn: string, keys: readonly string[]): Promise<void> {
    for (const k of keys) this.removeStmt.run(resourceArn, k);
    return Promise.resolve();
  }
}
