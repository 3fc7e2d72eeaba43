/**
 * Numbered, forward-only schema migrations. A migration is never edited once landed: add the next one.
 * Documents are stored as JSON next to the columns that queries need.
 */
export const migrations: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE clusters (
        name TEXT PRIMARY KEY,
        doc  TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE task_definition_families (
        family        TEXT PRIMARY KEY,
        last_revision INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE task_definitions (
        family   TEXT NOT NULL,
        revision INTEGER NOT NULL,
        status   TEXT NOT NULL,
        doc      TEXT NOT NULL,
        PRIMARY KEY (family, revision)
      ) WITHOUT ROWID;
      CREATE INDEX task_definitions_status ON task_definitions (status, family, revision);

      CREATE TABLE tags (
        resource_arn TEXT NOT NULL,
        key          TEXT NOT NULL,
        value        TEXT NOT NULL,
        PRIMARY KEY (resource_arn, key)
      ) WITHOUT ROWID;
    `,
  },
];
