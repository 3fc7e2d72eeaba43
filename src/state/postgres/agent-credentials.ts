import type { AgentCredentialRecord, AgentCredentialRepository } from "../store.js";
import type { DocRow } from "./rows.js";
import type { Sql } from "./sql.js";

/** Agents' own credentials, one for one with sqlite/agent-credentials.ts. */
export class PostgresAgentCredentials implements AgentCredentialRepository {
  constructor(private readonly db: Sql) {}

  async get(accessKeyId: string): Promise<AgentCredentialRecord | undefined> {
    return (await this.db.row<DocRow<AgentCredentialRecord>>("SELECT doc FROM agent_credentials WHERE access_key_id = $1", [accessKeyId]))?.doc;
  }

  async put(record: AgentCredentialRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO agent_credentials (access_key_id, container_instance_arn, doc) VALUES ($1, $2, $3)
       ON CONFLICT (access_key_id) DO UPDATE SET container_instance_arn = excluded.container_instance_arn, doc = excluded.doc`,
      [record.accessKeyId, record.containerInstanceArn, JSON.stringify(record)],
    );
  }

  revokeInstance(containerInstanceArn: string): Promise<number> {
    return this.db.run("DELETE FROM agent_credentials WHERE container_instance_arn = $1", [containerInstanceArn]);
  }
}
