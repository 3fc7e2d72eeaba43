import type { Database, Statement } from "better-sqlite3";
import type { AutoScalingRepository, ScalableTargetRecord, ScalingActivityRecord, ScalingPolicyRecord, ScheduledActionRecord } from "../autoscaling-records.js";
import { parseDoc, type DocRow } from "./rows.js";

type Key = [string, string, string];

/** Application Auto Scaling (migration 16): documents keyed by resource, dimension and name; scheduled actions' next run a column. */
export class SqliteAutoScaling implements AutoScalingRepository {
  private readonly s: Record<string, Statement<unknown[], DocRow>>;

  constructor(db: Database) {
    const p = (sql: string) => db.prepare<unknown[], DocRow>(sql);
    this.s = {
      target: p("SELECT doc FROM scalable_targets WHERE resource_id = ? AND dimension = ?"),
      targets: p("SELECT doc FROM scalable_targets ORDER BY resource_id, dimension"),
      putTarget: p("INSERT INTO scalable_targets (resource_id, dimension, doc) VALUES (?, ?, ?) ON CONFLICT (resource_id, dimension) DO UPDATE SET doc = excluded.doc"),
      deleteTarget: p("DELETE FROM scalable_targets WHERE resource_id = ? AND dimension = ?"),
      deleteTargetPolicies: p("DELETE FROM scaling_policies WHERE resource_id = ? AND dimension = ?"),
      deleteTargetActions: p("DELETE FROM scheduled_actions WHERE resource_id = ? AND dimension = ?"),
      policy: p("SELECT doc FROM scaling_policies WHERE resource_id = ? AND dimension = ? AND name = ?"),
      policyByArn: p("SELECT doc FROM scaling_policies WHERE arn = ?"),
      policies: p("SELECT doc FROM scaling_policies WHERE (? = '' OR resource_id = ?) ORDER BY resource_id, name"),
      putPolicy: p("INSERT INTO scaling_policies (resource_id, dimension, name, arn, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (resource_id, dimension, name) DO UPDATE SET arn = excluded.arn, doc = excluded.doc"),
      deletePolicy: p("DELETE FROM scaling_policies WHERE resource_id = ? AND dimension = ? AND name = ?"),
      action: p("SELECT doc FROM scheduled_actions WHERE resource_id = ? AND dimension = ? AND name = ?"),
      actions: p("SELECT doc FROM scheduled_actions WHERE (? = '' OR resource_id = ?) ORDER BY resource_id, name"),
      due: p("SELECT doc FROM scheduled_actions WHERE next_due_ms <= ? ORDER BY next_due_ms LIMIT ?"),
      putAction: p("INSERT INTO scheduled_actions (resource_id, dimension, name, next_due_ms, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (resource_id, dimension, name) DO UPDATE SET next_due_ms = excluded.next_due_ms, doc = excluded.doc"),
      deleteAction: p("DELETE FROM scheduled_actions WHERE resource_id = ? AND dimension = ? AND name = ?"),
      activities: p("SELECT doc FROM scaling_activities WHERE (? = '' OR resource_id = ?) ORDER BY seq DESC LIMIT ?"),
      addActivity: p("INSERT INTO scaling_activities (resource_id, doc) VALUES (?, ?)"),
      trimActivities: p("DELETE FROM scaling_activities WHERE resource_id = ? AND seq <= (SELECT seq FROM scaling_activities WHERE resource_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)"),
    };
  }

  private one<T>(stmt: string, ...args: unknown[]): Promise<T | undefined> {
    const row = this.s[stmt]!.get(...args);
    return Promise.resolve(row && parseDoc<T>(row));
  }
  private all<T>(stmt: string, ...args: unknown[]): Promise<T[]> {
    return Promise.resolve(this.s[stmt]!.all(...args).map((r) => parseDoc<T>(r)));
  }
  private run(stmt: string, ...args: unknown[]): Promise<void> {
    this.s[stmt]!.run(...args);
    return Promise.resolve();
  }

  target = (resourceId: string, dimension: string) => this.one<ScalableTargetRecord>("target", resourceId, dimension);
  targets = () => this.all<ScalableTargetRecord>("targets");
  policy = (...key: Key) => this.one<ScalingPolicyRecord>("policy", ...key);
  policyByArn = (arn: string) => this.one<ScalingPolicyRecord>("policyByArn", arn);
  policies = (resourceId?: string) => this.all<ScalingPolicyRecord>("policies", resourceId ?? "", resourceId ?? "");
  scheduledAction = (...key: Key) => this.one<ScheduledActionRecord>("action", ...key);
  scheduledActions = (resourceId?: string) => this.all<ScheduledActionRecord>("actions", resourceId ?? "", resourceId ?? "");
  dueScheduledActions = (nowMs: number, limit: number) => this.all<ScheduledActionRecord>("due", nowMs, limit);
  activities = (resourceId: string | undefined, limit: number) => this.all<ScalingActivityRecord>("activities", resourceId ?? "", resourceId ?? "", limit);

  putTarget = (t: ScalableTargetRecord) => this.run("putTarget", t.resourceId, t.dimension, JSON.stringify(t));
  async deleteTarget(resourceId: string, dimension: string): Promise<void> {
    for (const stmt of ["deleteTarget", "deleteTargetPolicies", "deleteTargetActions"]) await this.run(stmt, resourceId, dimension);
  }
  putPolicy = (p: ScalingPolicyRecord) => this.run("putPolicy", p.resourceId, p.dimension, p.name, p.arn, JSON.stringify(p));
  deletePolicy = (...key: Key) => this.run("deletePolicy", ...key);
  putScheduledAction = (a: ScheduledActionRecord) => this.run("putAction", a.resourceId, a.dimension, a.name, a.nextDueMs ?? null, JSON.stringify(a));
  deleteScheduledAction = (...key: Key) => this.run("deleteAction", ...key);
  async addActivity(a: ScalingActivityRecord, keep: number): Promise<void> {
    await this.run("addActivity", a.resourceId, JSON.stringify(a));
    await this.run("trimActivities", a.resourceId, a.resourceId, keep);
  }
}
