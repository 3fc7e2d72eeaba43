import type pg from "pg";
import type { Migration } from "./migrate.js";

/**
 * Numbered, forward-only schema migrations of the PostgreSQL store. A migration is never edited
 * once landed: add the next one. Migration 1 is SQLite's schema as it stood at SQLite's migration
 * 19, in PostgreSQL's types: documents are `json` (kept as written, which `jsonb` is not: it refuses
 * `\u0000`, which SQLite's TEXT and ECS's strings allow), epoch milliseconds and counters `bigint`. Text
 * compares byte by byte (`COLLATE "C"`), as SQLite's does, whatever the database's locale: ECS
 * lists are ordered by name and ARN the same way on both stores.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE clusters (
        name    text COLLATE "C" PRIMARY KEY,
        version bigint NOT NULL,
        doc     json NOT NULL
      );

      CREATE TABLE task_definition_families (
        family        text COLLATE "C" PRIMARY KEY,
        last_revision bigint NOT NULL
      );
      CREATE TABLE task_definitions (
        family   text COLLATE "C" NOT NULL,
        revision bigint NOT NULL,
        status   text COLLATE "C" NOT NULL,
        doc      json NOT NULL,
        PRIMARY KEY (family, revision)
      );
      CREATE INDEX task_definitions_status ON task_definitions (status, family, revision);

      CREATE TABLE tags (
        resource_arn text COLLATE "C" NOT NULL,
        key          text COLLATE "C" NOT NULL,
        value        text COLLATE "C" NOT NULL,
        PRIMARY KEY (resource_arn, key)
      );

      CREATE TABLE container_instances (
        arn     text COLLATE "C" PRIMARY KEY,
        cluster text COLLATE "C" NOT NULL,
        status  text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        doc     json NOT NULL
      );
      CREATE INDEX container_instances_cluster ON container_instances (cluster, arn);

      CREATE TABLE tasks (
        id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        arn                    text COLLATE "C" NOT NULL UNIQUE,
        cluster                text COLLATE "C" NOT NULL,
        container_instance_arn text COLLATE "C",
        family                 text COLLATE "C" NOT NULL,
        started_by             text COLLATE "C",
        service_name           text COLLATE "C",
        launch_type            text COLLATE "C" NOT NULL,
        desired_status         text COLLATE "C" NOT NULL,
        last_status            text COLLATE "C" NOT NULL,
        stopped_at_ms          bigint,
        service_open           boolean NOT NULL DEFAULT false,
        version                bigint NOT NULL,
        doc                    json NOT NULL,
        -- The document's reservation, for the planner's re-check (reservedOn) without the document:
        -- its own column, as json operators refuse a document that holds an escaped NUL anywhere.
        reservation            json NOT NULL
      );
      CREATE INDEX tasks_cluster ON tasks (cluster, desired_status, arn);
      -- With id: an instance's tasks in the order holdingResources and reservedOn give them, as SQLite's rowid does.
      CREATE INDEX tasks_instance ON tasks (container_instance_arn, last_status, id);
      CREATE INDEX tasks_stopped ON tasks (stopped_at_ms) WHERE stopped_at_ms IS NOT NULL;
      CREATE INDEX tasks_service_open ON tasks (cluster, service_name, arn) WHERE service_open;

      CREATE TABLE run_task_tokens (
        cluster       text COLLATE "C" NOT NULL,
        token         text COLLATE "C" NOT NULL,
        request_hash  text COLLATE "C" NOT NULL,
        doc           json NOT NULL,
        created_at_ms bigint NOT NULL,
        PRIMARY KEY (cluster, token)
      );
      CREATE INDEX run_task_tokens_age ON run_task_tokens (created_at_ms);

      CREATE TABLE services (
        cluster text COLLATE "C" NOT NULL,
        name    text COLLATE "C" NOT NULL,
        status  text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        doc     json NOT NULL,
        PRIMARY KEY (cluster, name)
      );
      CREATE TABLE service_events (
        seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        service_arn text COLLATE "C" NOT NULL,
        doc         json NOT NULL
      );
      CREATE INDEX service_events_by_service ON service_events (service_arn, seq);

      CREATE TABLE agent_credentials (
        access_key_id          text COLLATE "C" PRIMARY KEY,
        container_instance_arn text COLLATE "C" NOT NULL,
        doc                    json NOT NULL
      );
      CREATE INDEX agent_credentials_instance ON agent_credentials (container_instance_arn);

      -- The change log: one row per saved cluster, instance, task or service. Revisions come from
      -- change_head inside the writing transaction, which holds the store's write lock: they are
      -- handed out in commit order across replicas, and a rolled back save hands its number back.
      CREATE TABLE change_log (
        revision bigint PRIMARY KEY,
        kind     text COLLATE "C" NOT NULL,
        key      text COLLATE "C" NOT NULL
      );
      CREATE TABLE change_head (
        id       integer PRIMARY KEY CHECK (id = 1),
        revision bigint NOT NULL
      );
      INSERT INTO change_head VALUES (1, 0);

      CREATE TABLE account_settings (
        principal_arn text COLLATE "C" NOT NULL,
        name          text COLLATE "C" NOT NULL,
        value         text COLLATE "C" NOT NULL,
        PRIMARY KEY (principal_arn, name)
      );

      CREATE TABLE iam_entities (
        kind text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        doc  json NOT NULL,
        PRIMARY KEY (kind, name)
      );
      CREATE TABLE iam_access_keys (
        access_key_id text COLLATE "C" PRIMARY KEY,
        owner_kind    text COLLATE "C" NOT NULL,
        owner         text COLLATE "C" NOT NULL,
        expires_at_ms bigint,
        doc           json NOT NULL
      );
      CREATE INDEX iam_access_keys_owner ON iam_access_keys (owner_kind, owner);
      CREATE INDEX iam_access_keys_expiry ON iam_access_keys (expires_at_ms) WHERE expires_at_ms IS NOT NULL;

      CREATE TABLE elb_resources (
        arn        text COLLATE "C" PRIMARY KEY,
        kind       text COLLATE "C" NOT NULL,
        name       text COLLATE "C",
        parent_arn text COLLATE "C",
        doc        json NOT NULL
      );
      CREATE INDEX elb_resources_by_kind ON elb_resources (kind, name);
      CREATE INDEX elb_resources_by_parent ON elb_resources (parent_arn, kind);
      CREATE TABLE elb_targets (
        target_group_arn text COLLATE "C" NOT NULL,
        target_id        text COLLATE "C" NOT NULL,
        port             integer NOT NULL,
        task_arn         text COLLATE "C",
        doc              json NOT NULL,
        PRIMARY KEY (target_group_arn, target_id, port)
      );
      CREATE INDEX elb_targets_by_task ON elb_targets (task_arn) WHERE task_arn IS NOT NULL;

      CREATE TABLE event_rules (
        name         text COLLATE "C" PRIMARY KEY,
        version      bigint NOT NULL,
        next_fire_ms bigint,
        doc          json NOT NULL
      );
      CREATE INDEX event_rules_due ON event_rules (next_fire_ms) WHERE next_fire_ms IS NOT NULL;
      CREATE INDEX event_rules_pattern ON event_rules (name) WHERE (doc ->> 'eventPattern') IS NOT NULL;

      CREATE TABLE capacity_providers (
        name               text COLLATE "C" PRIMARY KEY,
        version            bigint NOT NULL,
        status             text COLLATE "C" NOT NULL,
        auto_scaling_group text COLLATE "C" NOT NULL,
        doc                json NOT NULL
      );
      CREATE INDEX capacity_providers_by_group ON capacity_providers (auto_scaling_group) WHERE status = 'ACTIVE';

      CREATE TABLE log_groups (
        id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name           text COLLATE "C" NOT NULL UNIQUE,
        created_ms     bigint NOT NULL,
        retention_days integer,
        tags           json NOT NULL,
        stored_bytes   bigint NOT NULL
      );
      CREATE TABLE log_streams (
        id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        group_id          bigint NOT NULL REFERENCES log_groups (id),
        name              text COLLATE "C" NOT NULL,
        created_ms        bigint NOT NULL,
        first_event_ms    bigint,
        last_event_ms     bigint,
        last_ingestion_ms bigint,
        stored_bytes      bigint NOT NULL,
        resume_cursor     text COLLATE "C",
        UNIQUE (group_id, name)
      );
      CREATE TABLE log_events (
        id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        group_id     bigint NOT NULL,
        stream_id    bigint NOT NULL,
        ts           bigint NOT NULL,
        ingestion_ms bigint NOT NULL,
        -- UTF-8 bytes: a container's output may hold NUL, which SQLite's TEXT keeps and text refuses.
        message      bytea NOT NULL
      );
      CREATE INDEX log_events_by_stream ON log_events (stream_id, ts, id);
      CREATE INDEX log_events_by_group ON log_events (group_id, ts, id);

      CREATE TABLE ecs_event_cursor (
        id       integer PRIMARY KEY CHECK (id = 1),
        revision bigint NOT NULL
      );
      CREATE TABLE ecs_event_states (
        key   text COLLATE "C" PRIMARY KEY,
        state text COLLATE "C" NOT NULL
      );

      CREATE TABLE schedule_groups (
        name text COLLATE "C" PRIMARY KEY,
        doc  json NOT NULL
      );
      -- next_fire_ms is a double: a StartDate in epoch seconds may carry digits below the
      -- millisecond, which a rate() schedule's run times keep (SQLite stores them as REAL).
      CREATE TABLE schedules (
        grp          text COLLATE "C" NOT NULL,
        name         text COLLATE "C" NOT NULL,
        version      bigint NOT NULL,
        next_fire_ms double precision,
        doc          json NOT NULL,
        PRIMARY KEY (grp, name)
      );
      CREATE INDEX schedules_due ON schedules (next_fire_ms) WHERE next_fire_ms IS NOT NULL;

      CREATE TABLE metric_series (
        id        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        namespace text COLLATE "C" NOT NULL,
        name      text COLLATE "C" NOT NULL,
        dims      text COLLATE "C" NOT NULL,
        last_ms   bigint NOT NULL,
        UNIQUE (namespace, name, dims)
      );
      CREATE TABLE metric_minutes (
        series    bigint NOT NULL,
        minute_ms bigint NOT NULL,
        sum       double precision NOT NULL,
        count     double precision NOT NULL,
        min       double precision NOT NULL,
        max       double precision NOT NULL,
        unit      text COLLATE "C" NOT NULL,
        PRIMARY KEY (series, minute_ms)
      );
      CREATE INDEX metric_minutes_by_age ON metric_minutes (minute_ms);
      CREATE TABLE metric_five_blocks (
        series   bigint NOT NULL,
        block_ms bigint NOT NULL,
        data     bytea NOT NULL,
        unit     text COLLATE "C" NOT NULL,
        units    text COLLATE "C",
        UNIQUE (series, block_ms)
      );
      CREATE INDEX metric_five_blocks_by_age ON metric_five_blocks (block_ms);

      CREATE TABLE metric_alarms (
        name  text COLLATE "C" PRIMARY KEY,
        state text COLLATE "C" NOT NULL,
        doc   json NOT NULL
      );
      CREATE TABLE alarm_history (
        seq   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name  text COLLATE "C" NOT NULL,
        at_ms bigint NOT NULL,
        type  text COLLATE "C" NOT NULL,
        doc   json NOT NULL
      );
      CREATE INDEX alarm_history_by_name ON alarm_history (name, at_ms);
      CREATE INDEX alarm_history_by_time ON alarm_history (at_ms);

      CREATE TABLE scalable_targets (
        resource_id text COLLATE "C" NOT NULL,
        dimension   text COLLATE "C" NOT NULL,
        doc         json NOT NULL,
        PRIMARY KEY (resource_id, dimension)
      );
      CREATE TABLE scaling_policies (
        resource_id text COLLATE "C" NOT NULL,
        dimension   text COLLATE "C" NOT NULL,
        name        text COLLATE "C" NOT NULL,
        arn         text COLLATE "C" NOT NULL UNIQUE,
        doc         json NOT NULL,
        PRIMARY KEY (resource_id, dimension, name)
      );
      CREATE TABLE scheduled_actions (
        resource_id text COLLATE "C" NOT NULL,
        dimension   text COLLATE "C" NOT NULL,
        name        text COLLATE "C" NOT NULL,
        next_due_ms bigint,
        doc         json NOT NULL,
        PRIMARY KEY (resource_id, dimension, name)
      );
      CREATE INDEX scheduled_actions_due ON scheduled_actions (next_due_ms) WHERE next_due_ms IS NOT NULL;
      CREATE TABLE scaling_activities (
        seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        resource_id text COLLATE "C" NOT NULL,
        doc         json NOT NULL
      );
      CREATE INDEX scaling_activities_by_resource ON scaling_activities (resource_id, seq);

      CREATE TABLE security_groups (
        group_id text COLLATE "C" PRIMARY KEY,
        name     text COLLATE "C" NOT NULL UNIQUE,
        version  bigint NOT NULL,
        doc      json NOT NULL
      );

      -- The replica that leads the controllers, and its term: a new leader takes the next term, and
      -- a controller's write carries its leader's term (leader-lease.ts).
      CREATE TABLE leader_lease (
        id         integer PRIMARY KEY CHECK (id = 1),
        term       bigint NOT NULL,
        holder     text COLLATE "C" NOT NULL,
        expires_at timestamptz NOT NULL
      );
      INSERT INTO leader_lease VALUES (1, 0, '', '-infinity');
      -- Every replica, as last heard: the leader takes an agent whose replica went silent for gone.
      CREATE TABLE replicas (
        holder  text COLLATE "C" PRIMARY KEY,
        seen_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    // What queries filter or order by becomes a column: PostgreSQL's JSON operators (`->`, `->>`)
    // unescape every string of the document they read and refuse `\u0000` anywhere in it, which
    // ECS's strings allow (an event rule described with a NUL could not be saved).
    sql: `
      ALTER TABLE clusters ADD COLUMN status text COLLATE "C";
      ALTER TABLE schedules ADD COLUMN state text COLLATE "C";
      ALTER TABLE event_rules ADD COLUMN has_pattern boolean NOT NULL DEFAULT false;
      ALTER TABLE iam_access_keys ADD COLUMN created_ms bigint;
      DROP INDEX event_rules_pattern;
      CREATE INDEX event_rules_pattern ON event_rules (name) WHERE has_pattern;
    `,
    data: async (client) => {
      // The documents parsed here, in JavaScript: the operators that would read them are the problem.
      await fill(client, "clusters", ["name"], "status", (d) => d.status);
      await fill(client, "schedules", ["grp", "name"], "state", (d) => d.state);
      await fill(client, "event_rules", ["name"], "has_pattern", (d) => d.eventPattern !== undefined && d.eventPattern !== null);
      await fill(client, "iam_access_keys", ["access_key_id"], "created_ms", (d) => d.createdAtMs);
      await client.query(`ALTER TABLE clusters ALTER COLUMN status SET NOT NULL; ALTER TABLE schedules ALTER COLUMN state SET NOT NULL;
        ALTER TABLE iam_access_keys ALTER COLUMN created_ms SET NOT NULL`);
    },
  },
  {
    version: 3,
    // SSM Parameter Store, as SQLite's migration 20: a row per parameter, a row per version kept.
    sql: `
      CREATE TABLE ssm_parameters (
        name    text COLLATE "C" PRIMARY KEY,
        parent  text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        tier    text COLLATE "C" NOT NULL,
        tags    json NOT NULL
      );
      CREATE INDEX ssm_parameters_parent ON ssm_parameters (parent, name);
      CREATE INDEX ssm_parameters_tier ON ssm_parameters (tier);
      CREATE TABLE ssm_parameter_versions (
        name    text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        labels  json NOT NULL,
        doc     json NOT NULL,
        PRIMARY KEY (name, version)
      );
    `,
  },
  {
    version: 4,
    // Secrets Manager, as SQLite's migration 21: the secrets' documents (never a value) and the
    // versions' values, sealed with the server's key before they get here.
    sql: `
      CREATE TABLE secrets (
        name        text COLLATE "C" PRIMARY KEY,
        arn         text COLLATE "C" NOT NULL UNIQUE,
        version     bigint NOT NULL,
        purge_at_ms bigint,
        doc         json NOT NULL
      );
      CREATE INDEX secrets_purge ON secrets (purge_at_ms) WHERE purge_at_ms IS NOT NULL;
      CREATE TABLE secret_values (
        secret_arn text COLLATE "C" NOT NULL,
        version_id text COLLATE "C" NOT NULL,
        sealed     text NOT NULL,
        PRIMARY KEY (secret_arn, version_id)
      );
    `,
  },
  {
    version: 5,
    // Percentiles, as SQLite's migration 22: each minute's distribution of a metric's values.
    sql: `
      CREATE TABLE metric_sketches (
        series    bigint NOT NULL,
        minute_ms bigint NOT NULL,
        data      text NOT NULL,
        PRIMARY KEY (series, minute_ms)
      );
      CREATE INDEX metric_sketches_by_age ON metric_sketches (minute_ms);
    `,
  },
];

/** Sets `column` of every row of `table` (whose key is `keys`) to a value read from its document. */
async function fill(client: pg.ClientBase, table: string, keys: readonly string[], column: string, value: (doc: Record<string, unknown>) => unknown): Promise<void> {
  const rows = await client.query<Record<string, unknown> & { doc: Record<string, unknown> }>(`SELECT ${keys.join(", ")}, doc FROM ${table}`);
  const where = keys.map((k, i) => `${k} = $${i + 2}`).join(" AND ");
  for (const row of rows.rows) await client.query(`UPDATE ${table} SET ${column} = $1 WHERE ${where}`, [value(row.doc), ...keys.map((k) => row[k])]);
}
