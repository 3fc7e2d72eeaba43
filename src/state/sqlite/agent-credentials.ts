import type { Database, Statement } from "better-sqlite3";
import type { AgentCredentialRecord, AgentCredentialRepository } from "../store.js";
import { parseDoc, type DocRow } from "./rows.js";

export class SqliteAgentCredentials implements AgentCredentialRepository {
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly putStmt: Statement<[string, string, string]>;
  private readonly revokeStmt: Statement<[string]>;

  constructor(db: Database) {
    this.getStmt = db.prepare("SELECT doc FROM agent_credentials WHERE access_key_id = ?");
    this.putStmt = db.prepare(
      `INSERT INTO agent_credentials (access_key_id, container_instance_arn, doc) VALUES (?, ?, ?)
       ON CONFLICT (access_key_id) DO UPDATE SET container_instance_arn = excluded.container_instance_arn, doc = excluded.doc`,
    );
    this.revokeStmt = db.prepare("DELETE FROM agent_credentials WHERE container_instance_arn = ?");
  }

  get(accessKeyId: string): Promise<AgentCredentialRecord | undefined> {
    const row = this.getStmt.get(accessKeyId);
    return Promise.resolve(row && parseDoc<AgentCredentialRecord>(row));
  }

  put(record: AgentCredentialRecord): Promise<void> {
    this.putStmt.run(record.accessKeyId, record.containerInstanceArn, JSON.stringify(record));
    return Promise.resolve();
  }

  revokeInstance(containerInstanceArn: string): Promise<number> {
    return Promise.resolve(this.revokeStmt.run(containerInstanceArn).changes);
  }
}
