import type { SecurityGroupRecord } from "../../domain/security-groups/security-group.js";
import { SecurityGroupConflictError, type SecurityGroupRepository } from "../security-group-records.js";
import type { DocRow } from "./rows.js";
import { updateToVersion } from "./next-version.js";
import type { Sql } from "./sql.js";

/** EC2 security groups, as sqlite/security-groups.ts: documents keyed by id, the name unique. */
export class PostgresSecurityGroups implements SecurityGroupRepository {
  constructor(private readonly db: Sql) {}

  async get(groupId: string): Promise<SecurityGroupRecord | undefined> {
    return (await this.db.row<DocRow<SecurityGroupRecord>>("SELECT doc FROM security_groups WHERE group_id = $1", [groupId]))?.doc;
  }

  async byName(groupName: string): Promise<SecurityGroupRecord | undefined> {
    return (await this.db.row<DocRow<SecurityGroupRecord>>("SELECT doc FROM security_groups WHERE name = $1", [groupName]))?.doc;
  }

  async list(): Promise<SecurityGroupRecord[]> {
    return (await this.db.rows<DocRow<SecurityGroupRecord>>("SELECT doc FROM security_groups ORDER BY group_id")).map((r) => r.doc);
  }

  async put(r: SecurityGroupRecord): Promise<void> {
    const doc = JSON.stringify(r);
    const changed =
      r.version === 1
        ? // No conflict target: a taken id and a taken name both leave the row out.
          await this.db.run("INSERT INTO security_groups (group_id, name, version, doc) VALUES ($1, $2, 1, $3) ON CONFLICT DO NOTHING", [r.groupId, r.groupName, doc])
        : await updateToVersion(this.db, "UPDATE security_groups SET version = $1, doc = $2 WHERE group_id = $3 AND version = $1 - 1", r.version, [doc, r.groupId]);
    if (changed === 0) throw new SecurityGroupConflictError(r.groupId);
  }

  async delete(groupId: string): Promise<void> {
    await this.db.run("DELETE FROM security_groups WHERE group_id = $1", [groupId]);
  }
}
