import type { IamAccessKeyRecord, IamGroupRecord, IamManagedPolicyRecord, IamRepository, IamRoleRecord, IamTable, IamUserRecord } from "../iam-records.js";
import type { DocRow } from "./rows.js";
import type { Sql } from "./sql.js";

/** One kind of IAM entity in `iam_entities`, keyed by (kind, name), as sqlite/iam-repositories.ts. */
class PostgresIamTable<T> implements IamTable<T> {
  constructor(
    private readonly db: Sql,
    private readonly kind: string,
  ) {}

  async get(name: string): Promise<T | undefined> {
    return (await this.db.row<DocRow<T>>("SELECT doc FROM iam_entities WHERE kind = $1 AND name = $2", [this.kind, name]))?.doc;
  }
  async list(): Promise<T[]> {
    return (await this.db.rows<DocRow<T>>("SELECT doc FROM iam_entities WHERE kind = $1 ORDER BY name", [this.kind])).map((r) => r.doc);
  }
  async put(name: string, record: T): Promise<void> {
    await this.db.run(
      "INSERT INTO iam_entities (kind, name, doc) VALUES ($1, $2, $3) ON CONFLICT (kind, name) DO UPDATE SET doc = excluded.doc",
      [this.kind, name, JSON.stringify(record)],
    );
  }
  async delete(name: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM iam_entities WHERE kind = $1 AND name = $2", [this.kind, name])) > 0;
  }
}

export class PostgresIam implements IamRepository {
  readonly users: IamTable<IamUserRecord>;
  readonly roles: IamTable<IamRoleRecord>;
  readonly groups: IamTable<IamGroupRecord>;
  readonly policies: IamTable<IamManagedPolicyRecord>;

  constructor(private readonly db: Sql) {
    this.users = new PostgresIamTable(db, "user");
    this.roles = new PostgresIamTable(db, "role");
    this.groups = new PostgresIamTable(db, "group");
    this.policies = new PostgresIamTable(db, "policy");
  }

  async accessKey(accessKeyId: string): Promise<IamAccessKeyRecord | undefined> {
    return (await this.db.row<DocRow<IamAccessKeyRecord>>("SELECT doc FROM iam_access_keys WHERE access_key_id = $1", [accessKeyId]))?.doc;
  }
  async accessKeysOf(userName: string): Promise<IamAccessKeyRecord[]> {
    const rows = await this.db.rows<DocRow<IamAccessKeyRecord>>(
      "SELECT doc FROM iam_access_keys WHERE owner_kind = 'user' AND owner = $1 ORDER BY created_ms, access_key_id",
      [userName],
    );
    return rows.map((r) => r.doc);
  }
  async putAccessKey(r: IamAccessKeyRecord): Promise<void> {
    const owner = r.owner.kind === "user" ? r.owner.userName : r.owner.roleName;
    await this.db.run(
      `INSERT INTO iam_access_keys (access_key_id, owner_kind, owner, expires_at_ms, created_ms, doc) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (access_key_id) DO UPDATE SET created_ms = excluded.created_ms, doc = excluded.doc`,
      [r.accessKeyId, r.owner.kind, owner, r.owner.kind === "session" ? r.owner.expiresAtMs : null, r.createdAtMs, JSON.stringify(r)],
    );
  }
  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM iam_access_keys WHERE access_key_id = $1", [accessKeyId])) > 0;
  }
  purgeExpiredSessions(nowMs: number): Promise<number> {
    return this.db.run("DELETE FROM iam_access_keys WHERE owner_kind = 'session' AND expires_at_ms < $1", [nowMs]);
  }
}
