import type { Database, Statement } from "better-sqlite3";
import type { IamAccessKeyRecord, IamGroupRecord, IamManagedPolicyRecord, IamRepository, IamRoleRecord, IamTable, IamUserRecord } from "../iam-records.js";
import { parseDoc, type DocRow } from "./rows.js";

/** One kind of IAM entity in `iam_entities` (migration 9), keyed by (kind, name). */
class SqliteIamTable<T> implements IamTable<T> {
  private readonly getStmt: Statement<[string, string], DocRow>;
  private readonly listStmt: Statement<[string], DocRow>;
  private readonly putStmt: Statement<[string, string, string]>;
  private readonly deleteStmt: Statement<[string, string]>;

  constructor(
    db: Database,
    private readonly kind: string,
  ) {
    this.getStmt = db.prepare("SELECT doc FROM iam_entities WHERE kind = ? AND name = ?");
    this.listStmt = db.prepare("SELECT doc FROM iam_entities WHERE kind = ? ORDER BY name");
    this.putStmt = db.prepare("INSERT INTO iam_entities (kind, name, doc) VALUES (?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET doc = excluded.doc");
    this.deleteStmt = db.prepare("DELETE FROM iam_entities WHERE kind = ? AND name = ?");
  }

  get(name: string): Promise<T | undefined> {
    const row = this.getStmt.get(this.kind, name);
    return Promise.resolve(row && parseDoc<T>(row));
  }
  list(): Promise<T[]> {
    return Promise.resolve(this.listStmt.all(this.kind).map((r) => parseDoc<T>(r)));
  }
  put(name: string, record: T): Promise<void> {
    this.putStmt.run(this.kind, name, JSON.stringify(record));
    return Promise.resolve();
  }
  delete(name: string): Promise<boolean> {
    return Promise.resolve(this.deleteStmt.run(this.kind, name).changes > 0);
  }
}

export class SqliteIam implements IamRepository {
  readonly users: IamTable<IamUserRecord>;
  readonly roles: IamTable<IamRoleRecord>;
  readonly groups: IamTable<IamGroupRecord>;
  readonly policies: IamTable<IamManagedPolicyRecord>;
  private readonly keyStmt: Statement<[string], DocRow>;
  private readonly keysOfStmt: Statement<[string], DocRow>;
  private readonly putKeyStmt: Statement<[string, string, string, number | null, string]>;
  private readonly deleteKeyStmt: Statement<[string]>;
  private readonly purgeStmt: Statement<[number]>;

  constructor(db: Database) {
    this.users = new SqliteIamTable(db, "user");
    this.roles = new SqliteIamTable(db, "role");
    this.groups = new SqliteIamTable(db, "group");
    this.policies = new SqliteIamTable(db, "policy");
    this.keyStmt = db.prepare("SELECT doc FROM iam_access_keys WHERE access_key_id = ?");
    this.keysOfStmt = db.prepare("SELECT doc FROM iam_access_keys WHERE owner_kind = 'user' AND owner = ? ORDER BY doc ->> '$.createdAtMs', access_key_id");
    this.putKeyStmt = db.prepare(
      `INSERT INTO iam_access_keys (access_key_id, owner_kind, owner, expires_at_ms, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (access_key_id) DO UPDATE SET doc = excluded.doc`,
    );
    this.deleteKeyStmt = db.prepare("DELETE FROM iam_access_keys WHERE access_key_id = ?");
    this.purgeStmt = db.prepare("DELETE FROM iam_access_keys WHERE owner_kind = 'session' AND expires_at_ms < ?");
  }

  accessKey(accessKeyId: string): Promise<IamAccessKeyRecord | undefined> {
    const row = this.keyStmt.get(accessKeyId);
    return Promise.resolve(row && parseDoc<IamAccessKeyRecord>(row));
  }
  accessKeysOf(userName: string): Promise<IamAccessKeyRecord[]> {
    return Promise.resolve(this.keysOfStmt.all(userName).map((r) => parseDoc<IamAccessKeyRecord>(r)));
  }
  putAccessKey(r: IamAccessKeyRecord): Promise<void> {
    const owner = r.owner.kind === "user" ? r.owner.userName : r.owner.roleName;
    this.putKeyStmt.run(r.accessKeyId, r.owner.kind, owner, r.owner.kind === "session" ? r.owner.expiresAtMs : null, JSON.stringify(r));
    return Promise.resolve();
  }
  deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return Promise.resolve(this.deleteKeyStmt.run(accessKeyId).changes > 0);
  }
  purgeExpiredSessions(nowMs: number): Promise<number> {
    return Promise.resolve(this.purgeStmt.run(nowMs).changes);
  }
}
