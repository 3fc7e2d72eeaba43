import type { SecretRecord } from "../../domain/secrets/secret.js";
import { SecretConflictError, type SecretRepository } from "../secret-records.js";
import { updateToVersion } from "./next-version.js";
import type { DocRow } from "./rows.js";
import type { Sql } from "./sql.js";

/** Secrets Manager's secrets and their sealed values, as sqlite/secrets.ts (migration 4). */
export class PostgresSecrets implements SecretRepository {
  constructor(private readonly db: Sql) {}

  async get(name: string): Promise<SecretRecord | undefined> {
    return (await this.db.row<DocRow<SecretRecord>>("SELECT doc FROM secrets WHERE name = $1", [name]))?.doc;
  }

  async byArn(arn: string): Promise<SecretRecord | undefined> {
    return (await this.db.row<DocRow<SecretRecord>>("SELECT doc FROM secrets WHERE arn = $1", [arn]))?.doc;
  }

  async list(): Promise<SecretRecord[]> {
    return (await this.db.rows<DocRow<SecretRecord>>("SELECT doc FROM secrets ORDER BY name")).map((r) => r.doc);
  }

  async value(arn: string, versionId: string): Promise<string | undefined> {
    return (await this.db.row<{ sealed: string }>("SELECT sealed FROM secret_values WHERE secret_arn = $1 AND version_id = $2", [arn, versionId]))?.sealed;
  }

  async due(nowMs: number, limit: number): Promise<SecretRecord[]> {
    return (await this.db.rows<DocRow<SecretRecord>>("SELECT doc FROM secrets WHERE purge_at_ms <= $1 ORDER BY purge_at_ms LIMIT $2", [nowMs, limit])).map((r) => r.doc);
  }

  async put(r: SecretRecord): Promise<void> {
    const doc = JSON.stringify(r);
    const purge = r.purgeAtMs ?? null;
    const changed =
      r.version === 1
        ? // No conflict target: a taken name and a taken ARN both leave the row out.
          await this.db.run("INSERT INTO secrets (name, arn, version, purge_at_ms, doc) VALUES ($1, $2, 1, $3, $4) ON CONFLICT DO NOTHING", [r.name, r.arn, purge, doc])
        : await updateToVersion(this.db, "UPDATE secrets SET version = $1, purge_at_ms = $2, doc = $3 WHERE name = $4 AND version = $1 - 1", r.version, [purge, doc, r.name]);
    if (changed === 0) throw new SecretConflictError(r.name);
  }

  async putValue(arn: string, versionId: string, sealed: string): Promise<void> {
    await this.db.run("INSERT INTO secret_values (secret_arn, version_id, sealed) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [arn, versionId, sealed]);
  }

  async deleteValues(arn: string, versionIds: readonly string[]): Promise<void> {
    if (versionIds.length > 0) await this.db.run("DELETE FROM secret_values WHERE secret_arn = $1 AND version_id = ANY($2)", [arn, versionIds]);
  }

  async delete(name: string): Promise<void> {
    await this.db.run("DELETE FROM secret_values WHERE secret_arn = (SELECT arn FROM secrets WHERE name = $1)", [name]);
    await this.db.run("DELETE FROM secrets WHERE name = $1", [name]);
  }
}
