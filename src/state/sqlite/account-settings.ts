import type { Database, Statement } from "better-sqlite3";
import type { AccountSettingRecord, AccountSettingRepository } from "../store.js";

interface SettingRow {
  readonly principal_arn: string;
  readonly name: string;
  readonly value: string;
}

const record = (r: SettingRow): AccountSettingRecord => ({ principalArn: r.principal_arn, name: r.name, value: r.value });

export class SqliteAccountSettings implements AccountSettingRepository {
  private readonly listStmt: Statement<[string], SettingRow>;
  private readonly getStmt: Statement<[string, string], SettingRow>;
  private readonly putStmt: Statement<[string, string, string]>;
  private readonly deleteStmt: Statement<[string, string]>;

  constructor(db: Database) {
    this.listStmt = db.prepare("SELECT principal_arn, name, value FROM account_settings WHERE principal_arn = ? ORDER BY name");
    this.getStmt = db.prepare("SELECT principal_arn, name, value FROM account_settings WHERE principal_arn = ? AND name = ?");
    this.putStmt = db.prepare(
      `INSERT INTO account_settings (principal_arn, name, value) VALUES (?, ?, ?)
       ON CONFLICT (principal_arn, name) DO UPDATE SET value = excluded.value`,
    );
    this.deleteStmt = db.prepare("DELETE FROM account_settings WHERE principal_arn = ? AND name = ?");
  }

  ofPrincipal(principalArn: string): Promise<AccountSettingRecord[]> {
    return Promise.resolve(this.listStmt.all(principalArn).map(record));
  }

  put(r: AccountSettingRecord): Promise<void> {
    this.putStmt.run(r.principalArn, r.name, r.value);
    return Promise.resolve();
  }

  delete(principalArn: string, name: string): Promise<AccountSettingRecord | undefined> {
    const row = this.getStmt.get(principalArn, name);
    if (row) this.deleteStmt.run(principalArn, name);
    return Promise.resolve(row && record(row));
  }
}
