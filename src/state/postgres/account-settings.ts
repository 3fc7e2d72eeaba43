import type { AccountSettingRecord, AccountSettingRepository } from "../store.js";
import type { Sql } from "./sql.js";

interface SettingRow {
  readonly principal_arn: string;
  readonly name: string;
  readonly value: string;
}

const record = (r: SettingRow): AccountSettingRecord => ({ principalArn: r.principal_arn, name: r.name, value: r.value });

/** ECS account settings, one for one with sqlite/account-settings.ts. */
export class PostgresAccountSettings implements AccountSettingRepository {
  constructor(private readonly db: Sql) {}

  async ofPrincipal(principalArn: string): Promise<AccountSettingRecord[]> {
    const rows = await this.db.rows<SettingRow>("SELECT principal_arn, name, value FROM account_settings WHERE principal_arn = $1 ORDER BY name", [principalArn]);
    return rows.map(record);
  }

  async put(r: AccountSettingRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO account_settings (principal_arn, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (principal_arn, name) DO UPDATE SET value = excluded.value`,
      [r.principalArn, r.name, r.value],
    );
  }

  async delete(principalArn: string, name: string): Promise<AccountSettingRecord | undefined> {
    // The delete returns the row it removed: one statement where SQLite reads, then deletes.
    const row = await this.db.row<SettingRow>("DELETE FROM account_settings WHERE principal_arn = $1 AND name = $2 RETURNING principal_arn, name, value", [principalArn, name]);
    return row && record(row);
  }
}
