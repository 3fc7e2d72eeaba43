import type { CapacityProviderRecord } from "../../domain/capacity/capacity-provider.js";
import { CapacityProviderConflictError, type CapacityProviderRepository } from "../capacity-provider-records.js";
import type { Page } from "../store.js";
import { page } from "../page.js";
import type { DocRow } from "./rows.js";
import { updateToVersion } from "./next-version.js";
import type { Sql } from "./sql.js";

/** Capacity providers, as sqlite/capacity-providers.ts: a document per name; the Auto Scaling group a column, for its uniqueness check. */
export class PostgresCapacityProviders implements CapacityProviderRepository {
  constructor(private readonly db: Sql) {}

  async get(name: string): Promise<CapacityProviderRecord | undefined> {
    return (await this.db.row<DocRow<CapacityProviderRecord>>("SELECT doc FROM capacity_providers WHERE name = $1", [name]))?.doc;
  }

  async list(q: { readonly after?: string | undefined; readonly limit: number }): Promise<Page<CapacityProviderRecord>> {
    const rows = await this.db.rows<DocRow<CapacityProviderRecord>>("SELECT doc FROM capacity_providers WHERE name > $1 ORDER BY name LIMIT $2", [q.after ?? "", q.limit + 1]);
    return page(rows.map((r) => r.doc), q, (r) => r.name);
  }

  async byAutoScalingGroup(arn: string): Promise<CapacityProviderRecord | undefined> {
    const text = "SELECT doc FROM capacity_providers WHERE auto_scaling_group = $1 AND status = 'ACTIVE' LIMIT 1";
    return (await this.db.row<DocRow<CapacityProviderRecord>>(text, [arn]))?.doc;
  }

  async put(r: CapacityProviderRecord): Promise<void> {
    const doc = JSON.stringify(r);
    const changed =
      r.version === 1
        ? // A new provider may take the row of an INACTIVE one of the same name (ECS lets a deleted name be reused).
          await this.db.run(
            `INSERT INTO capacity_providers (name, version, status, auto_scaling_group, doc) VALUES ($1, 1, $2, $3, $4)
             ON CONFLICT (name) DO UPDATE SET version = excluded.version, status = excluded.status, auto_scaling_group = excluded.auto_scaling_group, doc = excluded.doc
             WHERE capacity_providers.status = 'INACTIVE'`,
            [r.name, r.status, r.autoScalingGroupProvider.autoScalingGroupArn ?? "", doc],
          )
        : await updateToVersion(this.db, "UPDATE capacity_providers SET version = $1, status = $2, doc = $3 WHERE name = $4 AND version = $1 - 1", r.version, [r.status, doc, r.name]);
    if (changed === 0) throw new CapacityProviderConflictError(r.name);
  }
}
