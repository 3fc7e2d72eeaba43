import type { Database, Statement } from "better-sqlite3";
import type { CapacityProviderRecord } from "../../domain/capacity/capacity-provider.js";
import { CapacityProviderConflictError, type CapacityProviderRepository } from "../capacity-provider-records.js";
import type { Page } from "../store.js";
import { page } from "../page.js";
import { parseDoc, type DocRow } from "./rows.js";

/** Capacity providers (migration 12): a document per name; the Auto Scaling group a column, for its uniqueness check. */
export class SqliteCapacityProviders implements CapacityProviderRepository {
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly listStmt: Statement<[string, number], DocRow>;
  private readonly byGroupStmt: Statement<[string], DocRow>;
  private readonly insertStmt: Statement<[string, number, string, string, string]>;
  private readonly updateStmt: Statement<[number, string, string, string, number]>;

  constructor(db: Database) {
    this.getStmt = db.prepare("SELECT doc FROM capacity_providers WHERE name = ?");
    this.listStmt = db.prepare("SELECT doc FROM capacity_providers WHERE name > ? ORDER BY name LIMIT ?");
    this.byGroupStmt = db.prepare("SELECT doc FROM capacity_providers WHERE auto_scaling_group = ? AND status = 'ACTIVE' LIMIT 1");
    // A new provider may take the row of an INACTIVE one of the same name (ECS lets a deleted name be reused).
    this.insertStmt = db.prepare(
      `INSERT INTO capacity_providers (name, version, status, auto_scaling_group, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, status = excluded.status, auto_scaling_group = excluded.auto_scaling_group, doc = excluded.doc
       WHERE capacity_providers.status = 'INACTIVE'`,
    );
    this.updateStmt = db.prepare("UPDATE capacity_providers SET version = ?, status = ?, doc = ? WHERE name = ? AND version = ?");
  }

  get(name: string): Promise<CapacityProviderRecord | undefined> {
    const row = this.getStmt.get(name);
    return Promise.resolve(row && parseDoc<CapacityProviderRecord>(row));
  }

  list(q: { readonly after?: string | undefined; readonly limit: number }): Promise<Page<CapacityProviderRecord>> {
    const rows = this.listStmt.all(q.after ?? "", q.limit + 1).map((r) => parseDoc<CapacityProviderRecord>(r));
    return Promise.resolve(page(rows, q, (r) => r.name));
  }

  byAutoScalingGroup(arn: string): Promise<CapacityProviderRecord | undefined> {
    const row = this.byGroupStmt.get(arn);
    return Promise.resolve(row && parseDoc<CapacityProviderRecord>(row));
  }

  put(r: CapacityProviderRecord): Promise<void> {
    const doc = JSON.stringify(r);
    const changed =
      r.version === 1
        ? this.insertStmt.run(r.name, 1, r.status, r.autoScalingGroupProvider.autoScalingGroupArn ?? "", doc).changes
        : this.updateStmt.run(r.version, r.status, doc, r.name, r.version - 1).changes;
    if (changed === 0) throw new CapacityProviderConflictError(r.name);
    return Promise.resolve();
  }
}
