import type { Migration } from "../state/postgres/migrate.js";

/**
 * Numbered, forward-only migrations of the registry's metadata in PostgreSQL, counted in their own
 * table (`registry_schema_version`) beside the store's tables in the region's schema, applied under
 * the same migration lock (state/postgres/migrate.ts). A migration is
 * never edited once landed: add the next one. Migration 1 is the SQLite file's schema as
 * `sqlite-metadata.ts` leaves it (its later columns and `registry_settings` included). Text compares
 * byte by byte (`COLLATE "C"`), as SQLite's does, so repositories and tags list in the same order on
 * both; manifest bytes are `bytea`, epoch milliseconds and sizes `bigint`.
 */
export const registryMigrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE registry_repositories (
        name                      text COLLATE "C" PRIMARY KEY,
        created_at_ms             bigint NOT NULL,
        tag_mutability            text COLLATE "C" NOT NULL,
        lifecycle_policy          text COLLATE "C",
        repository_policy         text COLLATE "C",
        scan_on_push              boolean NOT NULL DEFAULT false,
        lifecycle_evaluated_at_ms bigint
      );
      CREATE TABLE registry_manifests (
        repository   text COLLATE "C" NOT NULL REFERENCES registry_repositories (name) ON DELETE CASCADE,
        digest       text COLLATE "C" NOT NULL,
        media_type   text COLLATE "C" NOT NULL,
        content      bytea NOT NULL,
        image_size   bigint NOT NULL,
        pushed_at_ms bigint NOT NULL,
        PRIMARY KEY (repository, digest)
      );
      CREATE INDEX registry_manifests_by_push ON registry_manifests (repository, pushed_at_ms, digest);
      CREATE TABLE registry_tags (
        repository text COLLATE "C" NOT NULL,
        tag        text COLLATE "C" NOT NULL,
        digest     text COLLATE "C" NOT NULL,
        PRIMARY KEY (repository, tag),
        FOREIGN KEY (repository, digest) REFERENCES registry_manifests (repository, digest) ON DELETE CASCADE
      );
      CREATE INDEX registry_tags_by_digest ON registry_tags (repository, digest, tag);
      -- What a manifest refers to: blobs (config, layers) and, for an index, child manifests.
      CREATE TABLE registry_manifest_refs (
        repository text COLLATE "C" NOT NULL,
        digest     text COLLATE "C" NOT NULL,
        ref        text COLLATE "C" NOT NULL,
        kind       text COLLATE "C" NOT NULL CHECK (kind IN ('blob', 'manifest')),
        PRIMARY KEY (repository, digest, kind, ref),
        FOREIGN KEY (repository, digest) REFERENCES registry_manifests (repository, digest) ON DELETE CASCADE
      );
      CREATE INDEX registry_manifest_refs_by_ref ON registry_manifest_refs (repository, kind, ref);
      CREATE INDEX registry_manifest_refs_blobs ON registry_manifest_refs (ref) WHERE kind = 'blob';
      CREATE TABLE registry_repository_tags (
        repository text COLLATE "C" NOT NULL REFERENCES registry_repositories (name) ON DELETE CASCADE,
        key        text COLLATE "C" NOT NULL,
        value      text COLLATE "C" NOT NULL,
        PRIMARY KEY (repository, key)
      );
      CREATE TABLE registry_blob_links (
        repository text COLLATE "C" NOT NULL REFERENCES registry_repositories (name) ON DELETE CASCADE,
        digest     text COLLATE "C" NOT NULL,
        PRIMARY KEY (repository, digest)
      );
      CREATE INDEX registry_blob_links_by_digest ON registry_blob_links (digest);
      CREATE TABLE registry_settings (
        name  text COLLATE "C" PRIMARY KEY,
        value text COLLATE "C" NOT NULL
      );
    `,
  },
];
