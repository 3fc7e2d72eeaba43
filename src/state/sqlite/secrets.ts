import type { Database, Statement } from "better-sqlite3";
import type { SecretRecord } from "../../domain/secrets/secret.js";
import { SecretConflictError, type SecretRepository } from "../secret-records.js";
import { parseDoc, type DocRow } from "./rows.js";

/** Secrets Manager's secrets and their sealed values (migration 21). */
export class SqliteSecrets implements SecretRepository {
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly byArnStmt: Statement<[string], DocRow>;
  private readonly listStmt: Statement<[], DocRow>;
  private readonly valueStmt: Statement<[string, string], { sealed: string }>;
  private readonly dueStmt: Statement<[number, number], DocRow>;
  private readonly insertStmt: Statement<[string, string, number | null, string]>;
  private readonly updateStmt: Statement<[number, number | null, string, string, number]>;
  private readonly putValueStmt: Statement<[string, string, string]>;
  private readonly deleteValueStmt: Statement<[string, string]>;
  private readonly deleteValuesStmt: Statement<[string]>;
  private readonly deleteStmt: Statement<[string]>;

  constructor(db: Database) {
    this.getStmt = db.prepare("SELECT doc FROM secrets WHERE name = ?");
    this.byArnStmt = db.prepare("SELECT doc FROM secrets WHERE arn = ?");
    this.listStmt = db.prepare("SELECT doc FROM secrets ORDER BY name");
    this.valueStmt = db.prepare("SELECT sealed FROM secret_values WHERE secret_arn = ? AND version_id = ?");
    this.dueStmt = db.prepare("SELECT doc FROM secrets WHERE purge_at_ms <= ? ORDER BY purge_at_ms LIMIT ?");
    this.insertStmt = db.prepare("INSERT INTO secrets (name, arn, version, purge_at_ms, doc) VALUES (?, ?, 1, ?, ?) ON CONFLICT DO NOTHING");
    this.updateStmt = db.prepare("UPDATE secrets SET version = ?, purge_at_ms = ?, doc = ? WHERE name = ? AND version = ?");
    this.putValueStmt = db.prepare("INSERT INTO secret_values (secret_arn, version_id, sealed) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    this.deleteValueStmt = db.prepare("DELETE FROM secret_values WHERE secret_arn = ? AND version_id = ?");
    this.deleteValuesStmt = db.prepare("DELETE FROM secret_values WHERE secret_arn = (SELECT arn FROM secrets WHERE name = ?)");
    this.deleteStmt = db.prepare("DELETE FROM secrets WHERE name = ?");
  }

  get(name: string): Promise<SecretRecord | undefined> {
    const row = this.getStmt.get(name);
    return Promise.resolve(row && parseDoc<SecretRecord>(row));
  }

  byArn(arn: string): Promise<SecretRecord | undefined> {
    const row = this.byArnStmt.get(arn);
    return Promise.resolve(row && parseDoc<SecretRecord>(row));
  }

  list(): Promise<SecretRecord[]> {
    return Promise.resolve(this.listStmt.all().map((r) => parseDoc<SecretRecord>(r)));
  }

  value(arn: string, versionId: string): Promise<string | undefined> {
    return Promise.resolve(this.valueStmt.get(arn, versionId)?.sealed);
  }

  due(nowMs: number, limit: number): Promise<SecretRecord[]> {
    return Promise.resolve(this.dueStmt.all(nowMs, limit).map((r) => parseDoc<SecretRecord>(r)));
  }

  put(r: SecretRecord): Promise<void> {
    const doc = JSON.stringify(r);
    const purge = r.purgeAtMs ?? null;
    const changed = r.version === 1 ? this.insertStmt.run(r.name, r.arn, purge, doc).changes : this.updateStmt.run(r.version, purge, doc, r.name, r.version - 1).changes;
    if (changed === 0) throw new SecretConflictError(r.name);
    return Promise.resolve();
  }

  putValue(arn: string, versionId: string, sealed: string): Promise<void> {
    this.putValueStmt.run(arn, versionId, sealed);
    return Promise.resolve();
  }

  deleteValues(arn: string, versionIds: readonly string[]): Promise<void> {
    for (const id of versionIds) this.deleteValueStmt.run(arn, id);
    return Promise.resolve();
  }

  delete(name: string): Promise<void> {
    this.deleteValuesStmt.run(name);
    this.deleteStmt.run(name);
    return Promise.resolve();
  }
}
