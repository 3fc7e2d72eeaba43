import type { AutoScalingRepository, ScalableTargetRecord, ScalingActivityRecord, ScalingPolicyRecord, ScheduledActionRecord } from "../autoscaling-records.js";
import type { DocRow } from "./rows.js";
import type { Sql } from "./sql.js";

type Key = [resourceId: string, dimension: string, name: string];

/** Application Auto Scaling, as sqlite/autoscaling.ts keeps it: documents keyed by resource, dimension and name; scheduled actions' next run a column. */
export class PostgresAutoScaling implements AutoScalingRepository {
  constructor(private readonly db: Sql) {}

  private async one<T>(text: string, params: readonly unknown[]): Promise<T | undefined> {
    return (await this.db.row<DocRow<T>>(text, params))?.doc;
  }
  private async all<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.db.rows<DocRow<T>>(text, params)).map((r) => r.doc);
  }
  private async run(text: string, params: readonly unknown[]): Promise<void> {
    await this.db.run(text, params);
  }

  target = (resourceId: string, dimension: string) => this.one<ScalableTargetRecord>("SELECT doc FROM scalable_targets WHERE resource_id = $1 AND dimension = $2", [resourceId, dimension]);
  targets = () => this.all<ScalableTargetRecord>("SELECT doc FROM scalable_targets ORDER BY resource_id, dimension");
  policy = (...key: Key) => this.one<ScalingPolicyRecord>("SELECT doc FROM scaling_policies WHERE resource_id = $1 AND dimension = $2 AND name = $3", key);
  policyByArn = (arn: string) => this.one<ScalingPolicyRecord>("SELECT doc FROM scaling_policies WHERE arn = $1", [arn]);
  policies = (resourceId?: string) => this.all<ScalingPolicyRecord>("SELECT doc FROM scaling_policies WHERE ($1 = '' OR resource_id = $1) ORDER BY resource_id, name", [resourceId ?? ""]);
  scheduledAction = (...key: Key) => this.one<ScheduledActionRecord>("SELECT doc FROM scheduled_actions WHERE resource_id = $1 AND dimension = $2 AND name = $3", key);
  scheduledActions = (resourceId?: string) =>
    this.all<ScheduledActionRecord>("SELECT doc FROM scheduled_actions WHERE ($1 = '' OR resource_id = $1) ORDER BY resource_id, name", [resourceId ?? ""]);
  dueScheduledActions = (nowMs: number, limit: number) =>
    this.all<ScheduledActionRecord>("SELECT doc FROM scheduled_actions WHERE next_due_ms <= $1 ORDER BY next_due_ms LIMIT $2", [nowMs, limit]);
  activities = (resourceId: string | undefined, limit: number) =>
    this.all<ScalingActivityRecord>("SELECT doc FROM scaling_activities WHERE ($1 = '' OR resource_id = $1) ORDER BY seq DESC LIMIT $2", [resourceId ?? "", limit]);

  putTarget = (t: ScalableTargetRecord) =>
    this.run("INSERT INTO scalable_targets (resource_id, dimension, doc) VALUES ($1, $2, $3) ON CONFLICT (resource_id, dimension) DO UPDATE SET doc = excluded.doc", [
      t.resourceId,
      t.dimension,
      JSON.stringify(t),
    ]);
  /** The target with its policies and scheduled actions, in one statement. */
  deleteTarget = (resourceId: string, dimension: string) =>
    this.run(
      `WITH policies AS (DELETE FROM scaling_policies WHERE resource_id = $1 AND dimension = $2),
            actions AS (DELETE FROM scheduled_actions WHERE resource_id = $1 AND dimension = $2)
       DELETE FROM scalable_targets WHERE resource_id = $1 AND dimension = $2`,
      [resourceId, dimension],
    );
  putPolicy = (p: ScalingPolicyRecord) =>
    this.run(
      `INSERT INTO scaling_policies (resource_id, dimension, name, arn, doc) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (resource_id, dimension, name) DO UPDATE SET arn = excluded.arn, doc = excluded.doc`,
      [p.resourceId, p.dimension, p.name, p.arn, JSON.stringify(p)],
    );
  deletePolicy = (...key: Key) => this.run("DELETE FROM scaling_policies WHERE resource_id = $1 AND dimension = $2 AND name = $3", key);
  putScheduledAction = (a: ScheduledActionRecord) =>
    this.run(
      `INSERT INTO scheduled_actions (resource_id, dimension, name, next_due_ms, doc) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (resource_id, dimension, name) DO UPDATE SET next_due_ms = excluded.next_due_ms, doc = excluded.doc`,
      [a.resourceId, a.dimension, a.name, a.nextDueMs ?? null, JSON.stringify(a)],
    );
  deleteScheduledAction = (...key: Key) => this.run("DELETE FROM scheduled_actions WHERE resource_id = $1 AND dimension = $2 AND name = $3", key);
  async addActivity(a: ScalingActivityRecord, keep: number): Promise<void> {
    await this.run("INSERT INTO scaling_activities (resource_id, doc) VALUES ($1, $2)", [a.resourceId, JSON.stringify(a)]);
    await this.run(
      "DELETE FROM scaling_activities WHERE resource_id = $1 AND seq <= (SELECT seq FROM scaling_activities WHERE resource_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)",
      [a.resourceId, keep],
    );
  }
}
