import type { Database, Statement } from "better-sqlite3";
import { ParameterConflictError, parentPath, type ParameterQuery, type ParameterRecord, type ParameterRepository, type ParameterTier, type ParameterVersionRecord } from "../parameter-records.js";

interface VersionRow {
  doc: string;
  labels: string;
}
interface ParameterRow extends VersionRow {
  tags: string;
}

const versionOf = (r: VersionRow): ParameterVersionRecord => ({ ...(JSON.parse(r.doc) as Omit<ParameterVersionRecord, "labels">), labels: JSON.parse(r.labels) as string[] });
const parameterOf = (r: ParameterRow): ParameterRecord => ({ ...versionOf(r), tags: JSON.parse(r.tags) as Record<string, string> });
/** The version's document: everything but its labels, which have a column of their own (relabelled in place). */
const docOf = ({ labels: _labels, ...rest }: ParameterVersionRecord): string => JSON.stringify(rest);

const newest = "SELECT v.doc, v.labels, p.tags FROM ssm_parameters p JOIN ssm_parameter_versions v ON v.name = p.name AND v.version = p.version";

/** SSM Parameter Store's parameters (migration 20); names matched literally (substr, not LIKE). */
export class SqliteParameters implements ParameterRepository {
  private readonly getStmt: Statement<[string], ParameterRow>;
  private readonly versionStmt: Statement<[string, number], VersionRow>;
  private readonly historyStmt: Statement<[string, number, number], VersionRow>;
  private readonly labelledStmt: Statement<[string, string], VersionRow>;
  private readonly byPrefixStmt: Statement<[string, string, string, number], ParameterRow>;
  private readonly byParentStmt: Statement<[string, string, number], ParameterRow>;
  private readonly countStmt: Statement<[string], { n: number }>;
  private readonly insertVersion: Statement<[string, number, string, string]>;
  private readonly insertHead: Statement<[string, string, string, string]>;
  private readonly advanceHead: Statement<[number, string, string, number]>;
  private readonly pruneStmt: Statement<[string, number]>;

  constructor(private readonly db: Database) {
    this.getStmt = db.prepare(`${newest} WHERE p.name = ?`);
    this.versionStmt = db.prepare("SELECT doc, labels FROM ssm_parameter_versions WHERE name = ? AND version = ?");
    this.historyStmt = db.prepare("SELECT doc, labels FROM ssm_parameter_versions WHERE name = ? AND version > ? ORDER BY version LIMIT ?");
    this.labelledStmt = db.prepare("SELECT v.doc, v.labels FROM ssm_parameter_versions v, json_each(v.labels) l WHERE v.name = ? AND l.value = ?");
    this.byPrefixStmt = db.prepare(`${newest} WHERE substr(p.name, 1, length(?)) = ? AND p.name > ? ORDER BY p.name LIMIT ?`);
    this.byParentStmt = db.prepare(`${newest} WHERE p.parent = ? AND p.name > ? ORDER BY p.name LIMIT ?`);
    this.countStmt = db.prepare("SELECT count(*) AS n FROM ssm_parameters WHERE tier = ?");
    this.insertVersion = db.prepare("INSERT INTO ssm_parameter_versions (name, version, labels, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    this.insertHead = db.prepare("INSERT INTO ssm_parameters (name, parent, version, tier, tags) VALUES (?, ?, 1, ?, ?) ON CONFLICT DO NOTHING");
    this.advanceHead = db.prepare("UPDATE ssm_parameters SET version = ?, tier = ? WHERE name = ? AND version = ?");
    this.pruneStmt = db.prepare("DELETE FROM ssm_parameter_versions WHERE name = ? AND version <= ?");
  }

  get(name: string): Promise<ParameterRecord | undefined> {
    const row = this.getStmt.get(name);
    return Promise.resolve(row && parameterOf(row));
  }

  version(name: string, version: number): Promise<ParameterVersionRecord | undefined> {
    const row = this.versionStmt.get(name, version);
    return Promise.resolve(row && versionOf(row));
  }

  history(name: string, after: number, limit: number): Promise<ParameterVersionRecord[]> {
    return Promise.resolve(this.historyStmt.all(name, after, limit).map(versionOf));
  }

  labelled(name: string, label: string): Promise<ParameterVersionRecord | undefined> {
    const row = this.labelledStmt.get(name, label);
    return Promise.resolve(row && versionOf(row));
  }

  list(q: ParameterQuery): Promise<ParameterRecord[]> {
    const rows =
      q.parent !== undefined
        ? this.byParentStmt.all(q.parent, q.after ?? "", q.limit)
        : this.byPrefixStmt.all(q.prefix ?? "", q.prefix ?? "", q.after ?? "", q.limit);
    return Promise.resolve(rows.map(parameterOf));
  }

  count(tier: ParameterTier): Promise<number> {
    return Promise.resolve(this.countStmt.get(tier)!.n);
  }

  put(v: ParameterVersionRecord, { tags = {}, keep }: { readonly tags?: Readonly<Record<string, string>>; readonly keep: number }): Promise<void> {
    const head =
      v.version === 1 ? this.insertHead.run(v.name, parentPath(v.name), v.tier, JSON.stringify(tags)).changes : this.advanceHead.run(v.version, v.tier, v.name, v.version - 1).changes;
    if (head === 0 || this.insertVersion.run(v.name, v.version, JSON.stringify(v.labels), docOf(v)).changes === 0) throw new ParameterConflictError(v.name);
    this.pruneStmt.run(v.name, v.version - keep);
    return Promise.resolve();
  }

  setLabels(name: string, version: number, labels: readonly string[]): Promise<void> {
    this.db.prepare("UPDATE ssm_parameter_versions SET labels = ? WHERE name = ? AND version = ?").run(JSON.stringify(labels), name, version);
    return Promise.resolve();
  }

  setTags(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.db.prepare("UPDATE ssm_parameters SET tags = ? WHERE name = ?").run(JSON.stringify(tags), name);
    return Promise.resolve();
  }

  delete(name: string): Promise<boolean> {
    this.db.prepare("DELETE FROM ssm_parameter_versions WHERE name = ?").run(name);
    return Promise.resolve(this.db.prepare("DELETE FROM ssm_parameters WHERE name = ?").run(name).changes === 1);
  }
}
