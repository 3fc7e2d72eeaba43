import type { Database } from "better-sqlite3";
import { refoldFiveMinutes } from "./migrate-metric-blocks.js";

/**
 * Numbered, forward-only schema migrations. A migration is never edited once landed: add the next one.
 * Documents are stored as JSON next to the columns that queries need. `data`, when present, runs
 * after `sql` in the same transaction, for what SQL cannot compute (packing doubles into blobs).
 */
export const migrations: readonly { readonly version: number; readonly sql: string; readonly data?: (db: Database) => void }[] = [
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
  {
    version: 2,
    sql: `
      CREATE TABLE container_instances (
        arn     TEXT PRIMARY KEY,
        cluster TEXT NOT NULL,
        status  TEXT NOT NULL,
        doc     TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX container_instances_cluster ON container_instances (cluster, arn);

      CREATE TABLE tasks (
        arn                    TEXT PRIMARY KEY,
        cluster                TEXT NOT NULL,
        container_instance_arn TEXT,
        family                 TEXT NOT NULL,
        started_by             TEXT,
        service_name           TEXT,
        launch_type            TEXT NOT NULL,
        desired_status         TEXT NOT NULL,
        last_status            TEXT NOT NULL,
        stopped_at_ms          INTEGER,
        doc                    TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX tasks_cluster ON tasks (cluster, desired_status, arn);
      CREATE INDEX tasks_instance ON tasks (container_instance_arn, last_status);
      CREATE INDEX tasks_stopped ON tasks (stopped_at_ms) WHERE stopped_at_ms IS NOT NULL;
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE services (
        cluster TEXT NOT NULL,
        name    TEXT NOT NULL,
        status  TEXT NOT NULL,
        doc     TEXT NOT NULL,
        PRIMARY KEY (cluster, name)
      ) WITHOUT ROWID;

      CREATE TABLE service_events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        service_arn TEXT NOT NULL,
        doc         TEXT NOT NULL
      );
      CREATE INDEX service_events_by_service ON service_events (service_arn, seq);

      -- 1 while a service task is in its reconciler's view: not yet STOPPED, or stopped but not yet observed.
      ALTER TABLE tasks ADD COLUMN service_open INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX tasks_service_open ON tasks (cluster, service_name, arn) WHERE service_open = 1;
    `,
  },
  {
    version: 4,
    sql: `
      -- RunTask's clientToken: a retried request gets the tasks the first one started.
      CREATE TABLE run_task_tokens (
        cluster       TEXT NOT NULL,
        token         TEXT NOT NULL,
        request_hash  TEXT NOT NULL,
        doc           TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        PRIMARY KEY (cluster, token)
      ) WITHOUT ROWID;
      CREATE INDEX run_task_tokens_age ON run_task_tokens (created_at_ms);
    `,
  },
  {
    version: 5,
    sql: `
      -- Agents' own credentials, each scoped to one container instance; deregistering it revokes them.
      CREATE TABLE agent_credentials (
        access_key_id          TEXT PRIMARY KEY,
        container_instance_arn TEXT NOT NULL,
        doc                    TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX agent_credentials_instance ON agent_credentials (container_instance_arn);
    `,
  },
  {
    version: 6,
    sql: `
      -- Records carry versions and saves are conditional on them (state/sqlite/versioned.ts). Instances,
      -- tasks and services already counted theirs in the document (ECS's version); clusters start at 1.
      ALTER TABLE clusters ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      UPDATE clusters SET doc = json_set(doc, '$.version', 1);
      ALTER TABLE container_instances ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      UPDATE container_instances SET version = coalesce(doc ->> '$.version', 1);
      ALTER TABLE tasks ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      UPDATE tasks SET version = coalesce(doc ->> '$.version', 1);
      ALTER TABLE services ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      UPDATE services SET version = coalesce(doc ->> '$.version', 1);
    `,
  },
  {
    version: 7,
    sql: `
      -- The change log (state/changes.ts): every saved cluster, instance, task and service, in commit
      -- order. AUTOINCREMENT: a revision is never handed out twice, even after the oldest rows are trimmed.
      CREATE TABLE change_log (
        revision INTEGER PRIMARY KEY AUTOINCREMENT,
        kind     TEXT NOT NULL,
        key      TEXT NOT NULL
      );
    `,
  },
  {
    version: 8,
    sql: `
      -- ECS account settings: each principal's (PutAccountSetting); the root's are the account's defaults.
      CREATE TABLE IF NOT EXISTS account_settings (
        principal_arn TEXT NOT NULL,
        name          TEXT NOT NULL,
        value         TEXT NOT NULL,
        PRIMARY KEY (principal_arn, name)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    sql: `
      -- IAM (auth/, api/iam/): users, roles and managed policies as documents by (kind, name); access
      -- keys of users and of assumed-role sessions, secrets sealed, session tokens hashed.
      CREATE TABLE iam_entities (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        doc  TEXT NOT NULL,
        PRIMARY KEY (kind, name)
      ) WITHOUT ROWID;
      CREATE TABLE iam_access_keys (
        access_key_id TEXT PRIMARY KEY,
        owner_kind    TEXT NOT NULL,
        owner         TEXT NOT NULL,
        expires_at_ms INTEGER,
        doc           TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX iam_access_keys_owner ON iam_access_keys (owner_kind, owner);
      CREATE INDEX iam_access_keys_expiry ON iam_access_keys (expires_at_ms) WHERE expires_at_ms IS NOT NULL;
    `,
  },
  {
    version: 10,
    sql: `
      -- ELBv2 (issue 11): load balancers, target groups, listeners and rules as documents by ARN;
      -- target registrations by (target group, id, port).
      CREATE TABLE elb_resources (
        arn        TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        name       TEXT,
        parent_arn TEXT,
        doc        TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX elb_resources_by_kind ON elb_resources (kind, name);
      CREATE INDEX elb_resources_by_parent ON elb_resources (parent_arn, kind);
      CREATE TABLE elb_targets (
        target_group_arn TEXT NOT NULL,
        target_id        TEXT NOT NULL,
        port             INTEGER NOT NULL,
        task_arn         TEXT,
        doc              TEXT NOT NULL,
        PRIMARY KEY (target_group_arn, target_id, port)
      ) WITHOUT ROWID;
      CREATE INDEX elb_targets_by_task ON elb_targets (task_arn) WHERE task_arn IS NOT NULL;
    `,
  },
  {
    version: 11,
    sql: `
      -- EventBridge rules of the default event bus (api/events/, controller/schedules/): one document
      -- per rule with its targets; the schedule's next due time a column, indexed, for the runner.
      CREATE TABLE event_rules (
        name         TEXT PRIMARY KEY,
        version      INTEGER NOT NULL,
        next_fire_ms INTEGER,
        doc          TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX event_rules_due ON event_rules (next_fire_ms) WHERE next_fire_ms IS NOT NULL;
    `,
  },
  {
    version: 12,
    sql: `
      -- Capacity providers one creates (issue 20, domain/capacity/): a document per name; the Auto
      -- Scaling group a column (one provider per group), the status for that check.
      CREATE TABLE capacity_providers (
        name               TEXT PRIMARY KEY,
        version            INTEGER NOT NULL,
        status             TEXT NOT NULL,
        auto_scaling_group TEXT NOT NULL,
        doc                TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX capacity_providers_by_group ON capacity_providers (auto_scaling_group) WHERE status = 'ACTIVE';
    `,
  },
  {
    version: 13,
    sql: `
      -- CloudWatch Logs (api/logs/): groups, their streams, and events indexed by stream and by group
      -- in (timestamp, id) order; id is the insertion number that GetLogEvents' tokens carry.
      CREATE TABLE log_groups (
        id             INTEGER PRIMARY KEY,
        name           TEXT NOT NULL UNIQUE,
        created_ms     INTEGER NOT NULL,
        retention_days INTEGER,
        tags           TEXT NOT NULL,
        stored_bytes   INTEGER NOT NULL
      );
      CREATE TABLE log_streams (
        id                INTEGER PRIMARY KEY,
        group_id          INTEGER NOT NULL REFERENCES log_groups (id),
        name              TEXT NOT NULL,
        created_ms        INTEGER NOT NULL,
        first_event_ms    INTEGER,
        last_event_ms     INTEGER,
        last_ingestion_ms INTEGER,
        stored_bytes      INTEGER NOT NULL,
        -- Where Berth's agent stands in the container's log (its last accepted batch), for exactly-once resumes.
        resume_cursor     TEXT,
        UNIQUE (group_id, name)
      );
      CREATE TABLE log_events (
        id           INTEGER PRIMARY KEY,
        group_id     INTEGER NOT NULL,
        stream_id    INTEGER NOT NULL,
        ts           INTEGER NOT NULL,
        ingestion_ms INTEGER NOT NULL,
        message      TEXT NOT NULL
      );
      CREATE INDEX log_events_by_stream ON log_events (stream_id, ts, id);
      CREATE INDEX log_events_by_group ON log_events (group_id, ts, id);
    `,
  },
  {
    version: 14,
    sql: `
      -- ECS events (controller/ecs-events/) and EventBridge Scheduler (issue 14). ECS events: how far the change log has been read, and per resource
      -- the state last made an event of, saved with the tasks the events' rules started.
      CREATE TABLE ecs_event_cursor (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        revision INTEGER NOT NULL
      );
      CREATE TABLE ecs_event_states (
        key   TEXT PRIMARY KEY,
        state TEXT NOT NULL
      ) WITHOUT ROWID;
      -- Rules with an event pattern, read on every batch of events.
      CREATE INDEX event_rules_pattern ON event_rules (name) WHERE json_extract(doc, '$.eventPattern') IS NOT NULL;
      -- EventBridge Scheduler (api/scheduler/): schedule groups, and schedules with their next run time indexed.
      CREATE TABLE schedule_groups (
        name TEXT PRIMARY KEY,
        doc  TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE schedules (
        grp          TEXT NOT NULL,
        name         TEXT NOT NULL,
        version      INTEGER NOT NULL,
        next_fire_ms INTEGER,
        doc          TEXT NOT NULL,
        PRIMARY KEY (grp, name)
      ) WITHOUT ROWID;
      CREATE INDEX schedules_due ON schedules (next_fire_ms) WHERE next_fire_ms IS NOT NULL;
    `,
  },
  {
    version: 15,
    sql: `
      -- CloudWatch metrics and alarms (api/cloudwatch/, domain/metrics/). Each metric is a row of
      -- metric_series (its id keys its data; last_ms serves ListMetrics); its data one row per minute
      -- (sum, sample count, extremes) and, folded, one row per 5 minutes (reads of long ranges),
      -- both pruned past the retention.
      CREATE TABLE metric_series (
        id        INTEGER PRIMARY KEY,
        namespace TEXT NOT NULL,
        name      TEXT NOT NULL,
        dims      TEXT NOT NULL,
        last_ms   INTEGER NOT NULL,
        UNIQUE (namespace, name, dims)
      );
      CREATE TABLE metric_minutes (
        series    INTEGER NOT NULL,
        minute_ms INTEGER NOT NULL,
        sum       REAL NOT NULL,
        count     REAL NOT NULL,
        min       REAL NOT NULL,
        max       REAL NOT NULL,
        unit      TEXT NOT NULL,
        PRIMARY KEY (series, minute_ms)
      ) WITHOUT ROWID;
      CREATE INDEX metric_minutes_by_age ON metric_minutes (minute_ms);
      CREATE TABLE metric_five_minutes (
        series    INTEGER NOT NULL,
        bucket_ms INTEGER NOT NULL,
        sum       REAL NOT NULL,
        count     REAL NOT NULL,
        min       REAL NOT NULL,
        max       REAL NOT NULL,
        unit      TEXT NOT NULL,
        PRIMARY KEY (series, bucket_ms)
      ) WITHOUT ROWID;
      CREATE INDEX metric_five_minutes_by_age ON metric_five_minutes (bucket_ms);
      -- CloudWatch metric alarms (one document each, the state a column for DescribeAlarms) and their history.
      CREATE TABLE metric_alarms (
        name  TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        doc   TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE alarm_history (
        seq   INTEGER PRIMARY KEY AUTOINCREMENT,
        name  TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        type  TEXT NOT NULL,
        doc   TEXT NOT NULL
      );
      CREATE INDEX alarm_history_by_name ON alarm_history (name, at_ms);
      CREATE INDEX alarm_history_by_time ON alarm_history (at_ms);
    `,
  },
  {
    version: 16,
    sql: `
      -- Application Auto Scaling (api/application-autoscaling/, controller/autoscaling/): scalable
      -- targets, their policies and scheduled actions (documents; a scheduled action's next run
      -- indexed), and the activities, newest kept per resource.
      CREATE TABLE scalable_targets (
        resource_id TEXT NOT NULL,
        dimension   TEXT NOT NULL,
        doc         TEXT NOT NULL,
        PRIMARY KEY (resource_id, dimension)
      ) WITHOUT ROWID;
      CREATE TABLE scaling_policies (
        resource_id TEXT NOT NULL,
        dimension   TEXT NOT NULL,
        name        TEXT NOT NULL,
        arn         TEXT NOT NULL UNIQUE,
        doc         TEXT NOT NULL,
        PRIMARY KEY (resource_id, dimension, name)
      ) WITHOUT ROWID;
      CREATE TABLE scheduled_actions (
        resource_id TEXT NOT NULL,
        dimension   TEXT NOT NULL,
        name        TEXT NOT NULL,
        next_due_ms INTEGER,
        doc         TEXT NOT NULL,
        PRIMARY KEY (resource_id, dimension, name)
      ) WITHOUT ROWID;
      CREATE INDEX scheduled_actions_due ON scheduled_actions (next_due_ms) WHERE next_due_ms IS NOT NULL;
      CREATE TABLE scaling_activities (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        resource_id TEXT NOT NULL,
        doc         TEXT NOT NULL
      );
      CREATE INDEX scaling_activities_by_resource ON scaling_activities (resource_id, seq);
    `,
  },
  {
    version: 17,
    sql: `
      -- EC2 security groups (api/ec2/, domain/security-groups/): one document per group, its rules
      -- inside; the name unique, as in one VPC.
      CREATE TABLE security_groups (
        group_id TEXT PRIMARY KEY,
        name     TEXT NOT NULL UNIQUE,
        version  INTEGER NOT NULL,
        doc      TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 18,
    sql: `
      -- CloudWatch's 5-minute fold packed in blocks of six hours (state/sqlite/metric-blocks.ts):
      -- 72 buckets of (sum, sample count, minimum, maximum) as 288 doubles (a NaN count: no data),
      -- the buckets' unit (each one's in units, JSON, when they differ). A day of a metric is 5
      -- rows, not 288. The old table's rows are re-folded into it (migrate-metric-blocks.ts), then
      -- it goes. Rows of 2.3 KB: a rowid table (WITHOUT ROWID suits small rows).
      CREATE TABLE metric_five_blocks (
        series   INTEGER NOT NULL,
        block_ms INTEGER NOT NULL,
        data     BLOB NOT NULL,
        unit     TEXT NOT NULL,
        units    TEXT,
        UNIQUE (series, block_ms)
      );
      CREATE INDEX metric_five_blocks_by_age ON metric_five_blocks (block_ms);
    `,
    data: refoldFiveMinutes,
  },
  {
    version: 19,
    sql: `
      -- Tasks and RunTask's clientTokens as rowid tables (issue 18). A WITHOUT ROWID table keeps the
      -- whole row in its key's b-tree, where a row over ~1 KB (a task's document is ~1.3 KB) spills
      -- into an overflow page of its own: every task insert and every report rewrote two or three
      -- pages, and a token's random key put each RunTask's row on a random page. In a rowid table
      -- the rows follow their insertion order (several tasks of one RunTask share a page, no
      -- overflow) and the key is a small unique index beside them.
      CREATE TABLE tasks_by_rowid (
        id                     INTEGER PRIMARY KEY,
        arn                    TEXT NOT NULL UNIQUE,
        cluster                TEXT NOT NULL,
        container_instance_arn TEXT,
        family                 TEXT NOT NULL,
        started_by             TEXT,
        service_name           TEXT,
        launch_type            TEXT NOT NULL,
        desired_status         TEXT NOT NULL,
        last_status            TEXT NOT NULL,
        stopped_at_ms          INTEGER,
        service_open           INTEGER NOT NULL DEFAULT 0,
        version                INTEGER NOT NULL DEFAULT 1,
        doc                    TEXT NOT NULL
      );
      INSERT INTO tasks_by_rowid (arn, cluster, container_instance_arn, family, started_by, service_name, launch_type,
                                  desired_status, last_status, stopped_at_ms, service_open, version, doc)
        SELECT arn, cluster, container_instance_arn, family, started_by, service_name, launch_type,
               desired_status, last_status, stopped_at_ms, service_open, version, doc
        FROM tasks ORDER BY arn;
      DROP TABLE tasks;
      ALTER TABLE tasks_by_rowid RENAME TO tasks;
      CREATE INDEX tasks_cluster ON tasks (cluster, desired_status, arn);
      CREATE INDEX tasks_instance ON tasks (container_instance_arn, last_status);
      CREATE INDEX tasks_stopped ON tasks (stopped_at_ms) WHERE stopped_at_ms IS NOT NULL;
      CREATE INDEX tasks_service_open ON tasks (cluster, service_name, arn) WHERE service_open = 1;

      CREATE TABLE run_task_tokens_by_rowid (
        id            INTEGER PRIMARY KEY,
        cluster       TEXT NOT NULL,
        token         TEXT NOT NULL,
        request_hash  TEXT NOT NULL,
        doc           TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        UNIQUE (cluster, token)
      );
      INSERT INTO run_task_tokens_by_rowid (cluster, token, request_hash, doc, created_at_ms)
        SELECT cluster, token, request_hash, doc, created_at_ms FROM run_task_tokens ORDER BY created_at_ms;
      DROP TABLE run_task_tokens;
      ALTER TABLE run_task_tokens_by_rowid RENAME TO run_task_tokens;
      CREATE INDEX run_task_tokens_age ON run_task_tokens (created_at_ms);
    `,
  },
  {
    version: 20,
    sql: `
      -- SSM Parameter Store: a row per parameter (its newest version, tier and tags) and a row per
      -- version kept (its labels apart from its document, so that a label moves without rewriting
      -- it). Rowid tables: a version's document holds a value of up to 8 KB, which a WITHOUT ROWID
      -- table would spill into overflow pages of its key's b-tree (see migration 19).
      CREATE TABLE ssm_parameters (
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL UNIQUE,
        parent  TEXT NOT NULL,
        version INTEGER NOT NULL,
        tier    TEXT NOT NULL,
        tags    TEXT NOT NULL
      );
      CREATE INDEX ssm_parameters_parent ON ssm_parameters (parent, name);
      CREATE INDEX ssm_parameters_tier ON ssm_parameters (tier);
      CREATE TABLE ssm_parameter_versions (
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL,
        version INTEGER NOT NULL,
        labels  TEXT NOT NULL,
        doc     TEXT NOT NULL,
        UNIQUE (name, version)
      );
    `,
  },
  {
    version: 21,
    sql: `
      -- Secrets Manager (api/secretsmanager/): one document per secret, its metadata and its
      -- versions' staging labels (never a value), unique by name and by ARN (a name's earlier secret,
      -- deleted for good, had another ARN); the end of a scheduled deletion indexed for the sweep.
      -- Documents grow with the versions kept (up to ~100): rowid tables (see migration 19).
      CREATE TABLE secrets (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        arn         TEXT NOT NULL UNIQUE,
        version     INTEGER NOT NULL,
        purge_at_ms INTEGER,
        doc         TEXT NOT NULL
      );
      CREATE INDEX secrets_purge ON secrets (purge_at_ms) WHERE purge_at_ms IS NOT NULL;
      -- Each version's value, sealed with the server's key (auth/secret-box.ts) before it gets here.
      CREATE TABLE secret_values (
        id         INTEGER PRIMARY KEY,
        secret_arn TEXT NOT NULL,
        version_id TEXT NOT NULL,
        sealed     TEXT NOT NULL,
        UNIQUE (secret_arn, version_id)
      );
    `,
  },
  {
    version: 22,
    sql: `
      -- Percentiles: each minute's distribution of a metric's values (domain/metrics/sketch.ts), for
      -- the minutes whose values came one by one (a load balancer's response times, PutMetricData's
      -- Value and Values), beside the minute's row of metric_minutes.
      CREATE TABLE metric_sketches (
        series    INTEGER NOT NULL,
        minute_ms INTEGER NOT NULL,
        data      TEXT NOT NULL,
        PRIMARY KEY (series, minute_ms)
      ) WITHOUT ROWID;
      CREATE INDEX metric_sketches_by_age ON metric_sketches (minute_ms);
    `,
  },
];
