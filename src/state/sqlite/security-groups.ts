import type { Database, Statement } from "better-sqlite3";
import type { SecurityGroupRecord } from "../../domain/security-groups/security-group.js";
import { SecurityGroupConflictError, type SecurityGroupRepository } from "../security-group-records.js";
import { parseDoc, type DocRow } from "./rows.js";

/** EC2 security groups (migration 17): documents keyed by id, the name unique. */
export class SqliteSecurityGroups implements SecurityGroupRepository {
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly byNameStmt: Statement<[string], DocRow>;
  private readonly listStmt: Statement<[], DocRow>;
  private readonly insertStmt: Statement<[string, string, string]>;
  private readonly updateStmt: Statement<[number, string, string, number]>;
  private readonly deleteStmt: Statement<[string]>;

  constructor(db: Database) {
    this.getStmt = db.prepare("SELECT doc FROM security_groups WHERE group_id = ?");
    this.byNameStmt = db.prepare("SELECT doc FROM security_groups WHERE name = ?");
    this.listStmt = db.prepare("SELECT doc FROM security_groups ORDER BY group_id");
    this.insertStmt = db.prepare("INSERT INTO security_groups (group_id, name, version, doc) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING");
    this.updateStmt = db.prepare("UPDATE security_groups SET version = ?, doc = ? WHERE group_id = ? AND version = ?");
    this.deleteStmt = db.prepare("DELETE FROM security_groups WHERE group_id = ?");
  }

  get(groupId: string): Promise<SecurityGroupRecord | undefined> {
    const row = this.getStmt.get(groupId);
    return Promise.resolve(row && parseDoc<SecurityGroupRecord>(row));
  }

  byName(groupName: string): Promise<SecurityGroupRecord | undefined> {
    const row = this.byNameStmt.get(groupName);
    return Promise.resolve(row && parseDoc<SecurityGroupRecord>(row));
  }

  list(): Promise<SecurityGroupRecord[]> {
    return Promise.resolve(this.listStmt.all().map((r) => parseDoc<SecurityGroupRecord>(r)));
  }

  put(r: SecurityGroupRecord): Promise<void> {
    const doc = JSON.stringify(r);
    const changed = r.version === 1 ? this.insertStmt.run(r.groupId, r.groupName, doc).changes : this.updateStmt.run(r.version, doc, r.groupId, r.version - 1).changes;
    if (changed === 0) throw new SecurityGroupConflictError(r.groupId);
    return Promise.resolve();
  }

  delete(groupId: string): Promise<void> {
    this.deleteStmt.run(groupId);
    return Promise.resolve();
  }
}
