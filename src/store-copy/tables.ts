/**
 * The copy of a region from SQLite into PostgreSQL, table by table: one entry per table, in the
 * order they are filled (a table after those its foreign keys name). Both schemas are nearly one
 * to one (PostgreSQL's migration 1 is SQLite's schema at its migration 19, in PostgreSQL's types),
 * so most entries only name columns and types; where they differ, the entry says how and why.
 * `tables.test.ts` holds this list against both migrated schemas: a migration that adds a table
 * or a column to either store fails it until the copy says what becomes of it.
 */

/** A PostgreSQL column's type, as the copy casts its parameter (`$1::bigint`). */
export type PgType = "text" | "bigint" | "integer" | "double precision" | "boolean" | "json" | "bytea";

/** Which SQLite file of a region a table is in: its store (`berth.db`) or its registry's metadata (`registry/registry.db`). */
export type SourceFile = "store" | "registry";

/** What an expression of the source may depend on besides the row: the moment of the copy. */
export interface CopyMoment {
  readonly copiedAtMs: number;
}

export interface ColumnCopy {
  /** The PostgreSQL column. */
  readonly name: string;
  readonly type: PgType;
  /** The SQLite expression that gives its value, when it is not the source column of the same name. */
  readonly from?: string | ((at: CopyMoment) => string);
}

/**
 * How a key's numbering goes on after the copy: PostgreSQL hands out next a number past every
 * copied one and past every one SQLite ever handed out (an AUTOINCREMENT table's `sqlite_sequence`
 * remembers numbers whose rows are gone). `identity`: the column's sequence is set (an identity
 * GENERATED ALWAYS also needs OVERRIDING SYSTEM VALUE to take the copied numbers); `change-head`:
 * the change log's head row (the PostgreSQL store numbers changes from `change_head`, not from a
 * sequence), so that revisions keep increasing across the move for every follower that stored one
 * (the ECS events' cursor).
 */
export interface Numbering {
  readonly column: string;
  readonly by: "identity" | "always-identity" | "change-head";
}

export interface TableCopy {
  readonly file: SourceFile;
  /** The SQLite table. */
  readonly from: string;
  /** The PostgreSQL table. */
  readonly to: string;
  readonly columns: readonly ColumnCopy[];
  readonly numbering?: Numbering;
  /** Columns of the SQLite table that are deliberately left behind. */
  readonly dropped?: readonly string[];
}

const column =
  (type: PgType) =>
  (name: string, from?: ColumnCopy["from"]): ColumnCopy => ({ name, type, ...(from !== undefined && { from }) });
const text = column("text");
const bigint = column("bigint");
const integer = column("integer");
const double = column("double precision");
const bool = column("boolean");
const json = column("json");
const bytea = column("bytea");

const doc = json("doc");
const version = bigint("version");

/**
 * A container instance whose agent was connected when the SQLite server stopped is recorded away,
 * as of the copy, as that server would have done at its next start (`AgentHub.markAllDisconnected`,
 * a save: the version goes up). PostgreSQL replicas do not do it at their start (the other
 * replicas' agents are still connected), and an instance held by no replica (SQLite's never name
 * one) is never taken for away by the leader: it would stay connected for ever, and its tasks
 * never be replaced if the agent did not come back. Away, it has the reattach grace to come back.
 */
const agentAway = "doc ->> '$.agentConnected'";
const instanceVersion = bigint("version", `CASE WHEN ${agentAway} THEN version + 1 ELSE version END`);
const instanceDoc = json(
  "doc",
  ({ copiedAtMs }) =>
    `CASE WHEN ${agentAway} THEN json_set(doc, '$.agentConnected', json('false'), '$.agentDisconnectedAtMs', ${Math.trunc(copiedAtMs)}, '$.version', version + 1) ELSE doc END`,
);

/** The store's tables (`berth.db`). */
const storeTables: readonly TableCopy[] = [
  // PostgreSQL's migration 2 made the status a column (its JSON operators refuse a document with an escaped NUL); read from the document, as that migration did.
  { file: "store", from: "clusters", to: "clusters", columns: [text("name"), version, text("status", "doc ->> '$.status'"), doc] },
  { file: "store", from: "task_definition_families", to: "task_definition_families", columns: [text("family"), bigint("last_revision")] },
  { file: "store", from: "task_definitions", to: "task_definitions", columns: [text("family"), bigint("revision"), text("status"), doc] },
  { file: "store", from: "tags", to: "tags", columns: [text("resource_arn"), text("key"), text("value")] },
  { file: "store", from: "container_instances", to: "container_instances", columns: [text("arn"), text("cluster"), text("status"), instanceVersion, instanceDoc] },
  {
    file: "store",
    from: "tasks",
    to: "tasks",
    // The id is kept: an instance's tasks are listed in (last status, id) order on PostgreSQL, in rowid order on SQLite.
    numbering: { column: "id", by: "always-identity" },
    columns: [
      bigint("id"),
      text("arn"),
      text("cluster"),
      text("container_instance_arn"),
      text("family"),
      text("started_by"),
      text("service_name"),
      text("launch_type"),
      text("desired_status"),
      text("last_status"),
      bigint("stopped_at_ms"),
      bool("service_open"),
      version,
      doc,
      // PostgreSQL keeps the planner's reservation in a column of its own (reservedOn reads it without the document).
      json("reservation", "doc -> '$.reservation'"),
    ],
  },
  // SQLite's rowid (migration 19: rows in insertion order) has no counterpart: PostgreSQL keys tokens by (cluster, token) and ages them by created_at_ms.
  { file: "store", from: "run_task_tokens", to: "run_task_tokens", dropped: ["id"], columns: [text("cluster"), text("token"), text("request_hash"), doc, bigint("created_at_ms")] },
  { file: "store", from: "services", to: "services", columns: [text("cluster"), text("name"), text("status"), version, doc] },
  { file: "store", from: "service_events", to: "service_events", numbering: { column: "seq", by: "always-identity" }, columns: [bigint("seq"), text("service_arn"), doc] },
  { file: "store", from: "agent_credentials", to: "agent_credentials", columns: [text("access_key_id"), text("container_instance_arn"), doc] },
  { file: "store", from: "change_log", to: "change_log", numbering: { column: "revision", by: "change-head" }, columns: [bigint("revision"), text("kind"), text("key")] },
  { file: "store", from: "account_settings", to: "account_settings", columns: [text("principal_arn"), text("name"), text("value")] },
  { file: "store", from: "iam_entities", to: "iam_entities", columns: [text("kind"), text("name"), doc] },
  {
    file: "store",
    from: "iam_access_keys",
    to: "iam_access_keys",
    // A user's keys are listed in creation order: PostgreSQL's migration 2 made it a column; SQLite orders by the document's field.
    columns: [text("access_key_id"), text("owner_kind"), text("owner"), bigint("expires_at_ms"), bigint("created_ms", "doc ->> '$.createdAtMs'"), doc],
  },
  { file: "store", from: "elb_resources", to: "elb_resources", columns: [text("arn"), text("kind"), text("name"), text("parent_arn"), doc] },
  { file: "store", from: "elb_targets", to: "elb_targets", columns: [text("target_group_arn"), text("target_id"), integer("port"), text("task_arn"), doc] },
  {
    file: "store",
    from: "event_rules",
    to: "event_rules",
    // Whether the rule has a pattern: PostgreSQL's column, from SQLite's own test (SqliteEventRules.withPattern).
    columns: [text("name"), version, bigint("next_fire_ms"), bool("has_pattern", "json_extract(doc, '$.eventPattern') IS NOT NULL"), doc],
  },
  { file: "store", from: "capacity_providers", to: "capacity_providers", columns: [text("name"), version, text("status"), text("auto_scaling_group"), doc] },
  // Logs keep their ids: GetLogEvents' and FilterLogEvents' tokens carry them.
  {
    file: "store",
    from: "log_groups",
    to: "log_groups",
    numbering: { column: "id", by: "identity" },
    columns: [bigint("id"), text("name"), bigint("created_ms"), integer("retention_days"), json("tags"), bigint("stored_bytes")],
  },
  {
    file: "store",
    from: "log_streams",
    to: "log_streams",
    numbering: { column: "id", by: "identity" },
    columns: [
      bigint("id"),
      bigint("group_id"),
      text("name"),
      bigint("created_ms"),
      bigint("first_event_ms"),
      bigint("last_event_ms"),
      bigint("last_ingestion_ms"),
      bigint("stored_bytes"),
      text("resume_cursor"),
    ],
  },
  {
    file: "store",
    from: "log_events",
    to: "log_events",
    numbering: { column: "id", by: "identity" },
    // The message as UTF-8 bytes (a container's output may hold NUL, which PostgreSQL's text refuses), as PostgresLogs writes it.
    columns: [bigint("id"), bigint("group_id"), bigint("stream_id"), bigint("ts"), bigint("ingestion_ms"), bytea("message")],
  },
  // SSM parameters: SQLite's rowids are its own (nothing refers to them); PostgreSQL keys the rows by name.
  { file: "store", from: "ssm_parameters", to: "ssm_parameters", dropped: ["id"], columns: [text("name"), text("parent"), version, text("tier"), json("tags")] },
  { file: "store", from: "ssm_parameter_versions", to: "ssm_parameter_versions", dropped: ["id"], columns: [text("name"), version, json("labels"), doc] },
  // Secrets Manager: values stay sealed as they are (the same <data-dir>/iam-key opens them on PostgreSQL).
  { file: "store", from: "secrets", to: "secrets", dropped: ["id"], columns: [text("name"), text("arn"), version, bigint("purge_at_ms"), doc] },
  { file: "store", from: "secret_values", to: "secret_values", dropped: ["id"], columns: [text("secret_arn"), text("version_id"), text("sealed")] },
  { file: "store", from: "ecs_event_cursor", to: "ecs_event_cursor", columns: [integer("id"), bigint("revision")] },
  { file: "store", from: "ecs_event_states", to: "ecs_event_states", columns: [text("key"), text("state")] },
  { file: "store", from: "schedule_groups", to: "schedule_groups", columns: [text("name"), doc] },
  {
    file: "store",
    from: "schedules",
    to: "schedules",
    // next_fire_ms may hold a fraction of a millisecond (SQLite keeps it as REAL); the state is PostgreSQL's migration-2 column.
    columns: [text("grp"), text("name"), version, double("next_fire_ms"), text("state", "doc ->> '$.state'"), doc],
  },
  // Metrics keep their series ids: the minutes and blocks refer to them.
  { file: "store", from: "metric_series", to: "metric_series", numbering: { column: "id", by: "identity" }, columns: [bigint("id"), text("namespace"), text("name"), text("dims"), bigint("last_ms")] },
  {
    file: "store",
    from: "metric_minutes",
    to: "metric_minutes",
    columns: [bigint("series"), bigint("minute_ms"), double("sum"), double("count"), double("min"), double("max"), text("unit")],
  },
  { file: "store", from: "metric_sketches", to: "metric_sketches", columns: [bigint("series"), bigint("minute_ms"), text("data")] },
  // The packed 5-minute blocks: the same bytes (state/sqlite/metric-blocks.ts's codec serves both stores).
  { file: "store", from: "metric_five_blocks", to: "metric_five_blocks", columns: [bigint("series"), bigint("block_ms"), bytea("data"), text("unit"), text("units")] },
  { file: "store", from: "metric_alarms", to: "metric_alarms", columns: [text("name"), text("state"), doc] },
  {
    file: "store",
    from: "alarm_history",
    to: "alarm_history",
    numbering: { column: "seq", by: "always-identity" },
    columns: [bigint("seq"), text("name"), bigint("at_ms"), text("type"), doc],
  },
  { file: "store", from: "scalable_targets", to: "scalable_targets", columns: [text("resource_id"), text("dimension"), doc] },
  { file: "store", from: "scaling_policies", to: "scaling_policies", columns: [text("resource_id"), text("dimension"), text("name"), text("arn"), doc] },
  { file: "store", from: "scheduled_actions", to: "scheduled_actions", columns: [text("resource_id"), text("dimension"), text("name"), bigint("next_due_ms"), doc] },
  { file: "store", from: "scaling_activities", to: "scaling_activities", numbering: { column: "seq", by: "always-identity" }, columns: [bigint("seq"), text("resource_id"), doc] },
  { file: "store", from: "security_groups", to: "security_groups", columns: [text("group_id"), text("name"), version, doc] },
];

/** The registry's metadata (`registry/registry.db`), into the `registry_` tables beside the store's (registry/postgres-metadata-schema.ts). */
const registryTables: readonly TableCopy[] = [
  {
    file: "registry",
    from: "repositories",
    to: "registry_repositories",
    columns: [
      text("name"),
      bigint("created_at_ms"),
      text("tag_mutability"),
      text("lifecycle_policy"),
      text("repository_policy"),
      bool("scan_on_push"),
      bigint("lifecycle_evaluated_at_ms"),
    ],
  },
  {
    file: "registry",
    from: "manifests",
    to: "registry_manifests",
    columns: [text("repository"), text("digest"), text("media_type"), bytea("content"), bigint("image_size"), bigint("pushed_at_ms")],
  },
  { file: "registry", from: "tags", to: "registry_tags", columns: [text("repository"), text("tag"), text("digest")] },
  { file: "registry", from: "manifest_refs", to: "registry_manifest_refs", columns: [text("repository"), text("digest"), text("ref"), text("kind")] },
  { file: "registry", from: "repository_tags", to: "registry_repository_tags", columns: [text("repository"), text("key"), text("value")] },
  { file: "registry", from: "blob_links", to: "registry_blob_links", columns: [text("repository"), text("digest")] },
  { file: "registry", from: "registry_settings", to: "registry_settings", columns: [text("name"), text("value")] },
];

/** Every table copied, in the order they are filled. */
export const tableCopies: readonly TableCopy[] = [...storeTables, ...registryTables];

/** Tables of either side that are not copied, and why: what the coverage test accepts as left out. */
export const notCopied = {
  sqlite: {
    // Read, not copied: it says where AUTOINCREMENT keys (the change log's revisions among them) go on.
    sqlite_sequence: "SQLite's own record of AUTOINCREMENT keys: read for the numbering",
  },
  postgres: {
    change_head: "set to SQLite's last revision (the change_log entry's numbering)",
    leader_lease: "the replicas' own: their leadership starts afresh",
    replicas: "the replicas' own: which of them was heard when",
    schema_version: "the store's migrations' own",
    registry_schema_version: "the registry's migrations' own",
  },
} as const;

/** The SQLite expression a column is read with. */
export function sourceExpression(c: ColumnCopy, at: CopyMoment): string {
  if (c.from === undefined) return c.name;
  return typeof c.from === "string" ? c.from : c.from(at);
}
