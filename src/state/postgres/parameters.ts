import { ParameterConflictError, parentPath, type ParameterQuery, type ParameterRecord, type ParameterRepository, type ParameterTier, type ParameterVersionRecord } from "../parameter-records.js";
import { hasPrefix } from "./rows.js";
import type { Sql } from "./sql.js";

interface VersionRow {
  doc: Omit<ParameterVersionRecord, "labels">;
  labels: string[];
}
interface ParameterRow extends VersionRow {
  tags: Record<string, string>;
}

const versionOf = (r: VersionRow): ParameterVersionRecord => ({ ...r.doc, labels: r.labels });
const parameterOf = (r: ParameterRow): ParameterRecord => ({ ...versionOf(r), tags: r.tags });
const docOf = ({ labels: _labels, ...rest }: ParameterVersionRecord): string => JSON.stringify(rest);

const newest = "SELECT v.doc, v.labels, p.tags FROM ssm_parameters p JOIN ssm_parameter_versions v ON v.name = p.name AND v.version = p.version";

/** SSM Parameter Store's parameters, as sqlite/parameters.ts keeps them. */
export class PostgresParameters implements ParameterRepository {
  constructor(private readonly db: Sql) {}

  async get(name: string): Promise<ParameterRecord | undefined> {
    const row = await this.db.row<ParameterRow>(`${newest} WHERE p.name = $1`, [name]);
    return row && parameterOf(row);
  }

  async version(name: string, version: number): Promise<ParameterVersionRecord | undefined> {
    const row = await this.db.row<VersionRow>("SELECT doc, labels FROM ssm_parameter_versions WHERE name = $1 AND version = $2", [name, version]);
    return row && versionOf(row);
  }

  async history(name: string, after: number, limit: number): Promise<ParameterVersionRecord[]> {
    return (await this.db.rows<VersionRow>("SELECT doc, labels FROM ssm_parameter_versions WHERE name = $1 AND version > $2 ORDER BY version LIMIT $3", [name, after, limit])).map(versionOf);
  }

  async labelled(name: string, label: string): Promise<ParameterVersionRecord | undefined> {
    const row = await this.db.row<VersionRow>(
      "SELECT doc, labels FROM ssm_parameter_versions WHERE name = $1 AND EXISTS (SELECT 1 FROM json_array_elements_text(labels) l WHERE l = $2)",
      [name, label],
    );
    return row && versionOf(row);
  }

  async list(q: ParameterQuery): Promise<ParameterRecord[]> {
    const rows =
      q.parent !== undefined
        ? await this.db.rows<ParameterRow>(`${newest} WHERE p.parent = $1 AND p.name > $2 ORDER BY p.name LIMIT $3`, [q.parent, q.after ?? "", q.limit])
        : await this.db.rows<ParameterRow>(`${newest} WHERE ${hasPrefix("p.name", 1)} AND p.name > $2 ORDER BY p.name LIMIT $3`, [q.prefix ?? "", q.after ?? "", q.limit]);
    return rows.map(parameterOf);
  }

  async count(tier: ParameterTier): Promise<number> {
    return (await this.db.row<{ n: number }>("SELECT count(*) AS n FROM ssm_parameters WHERE tier = $1", [tier]))!.n;
  }

  async put(v: ParameterVersionRecord, { tags = {}, keep }: { readonly tags?: Readonly<Record<string, string>>; readonly keep: number }): Promise<void> {
    const head =
      v.version === 1
        ? await this.db.run("INSERT INTO ssm_parameters (name, parent, version, tier, tags) VALUES ($1, $2, 1, $3, $4) ON CONFLICT DO NOTHING", [v.name, parentPath(v.name), v.tier, JSON.stringify(tags)])
        : Number.isInteger(v.version)
          ? await this.db.run("UPDATE ssm_parameters SET version = $1, tier = $2 WHERE name = $3 AND version = $1 - 1", [v.version, v.tier, v.name])
          : 0;
    if (head === 0) throw new ParameterConflictError(v.name);
    const inserted = await this.db.run("INSERT INTO ssm_parameter_versions (name, version, labels, doc) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [
      v.name,
      v.version,
      JSON.stringify(v.labels),
      docOf(v),
    ]);
    if (inserted === 0) throw new ParameterConflictError(v.name);
    await this.db.run("DELETE FROM ssm_parameter_versions WHERE name = $1 AND version <= $2", [v.name, v.version - keep]);
  }

  async setLabels(name: string, version: number, labels: readonly string[]): Promise<void> {
    await this.db.run("UPDATE ssm_parameter_versions SET labels = $1 WHERE name = $2 AND version = $3", [JSON.stringify(labels), name, version]);
  }

  async setTags(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.db.run("UPDATE ssm_parameters SET tags = $1 WHERE name = $2", [JSON.stringify(tags), name]);
  }

  async delete(name: string): Promise<boolean> {
    // PostgreSQL's text holds no U+0000, so no stored name has one; the statement would fail on it (sql.ts guards SELECTs only).
    if (name.includes("\u0000")) return false;
    await this.db.run("DELETE FROM ssm_parameter_versions WHERE name = $1", [name]);
    return (await this.db.run("DELETE FROM ssm_parameters WHERE name = $1", [name])) === 1;
  }
}
