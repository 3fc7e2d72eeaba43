import type { Database, Statement } from "better-sqlite3";
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord, TargetRecord } from "../../domain/load-balancing/types.js";
import type { LoadBalancingRepository } from "../load-balancing-store.js";
import { parseDoc, type DocRow } from "./rows.js";

type Kind = "loadbalancer" | "targetgroup" | "listener" | "rule";

/** ELBv2 state: one document table by ARN (kind, name, parent) and one of target registrations. */
export class SqliteLoadBalancing implements LoadBalancingRepository {
  private readonly byArn: Statement<[string, string], DocRow>;
  private readonly byName: Statement<[string, string], DocRow>;
  private readonly byKind: Statement<[string], DocRow>;
  private readonly byParent: Statement<[string, string], DocRow>;
  private readonly put: Statement<[string, string, string | null, string | null, string]>;
  private readonly removeStmt: Statement<[string]>;
  private readonly removeTargetsOf: Statement<[string]>;
  private readonly targetsOf: Statement<[string], DocRow>;
  private readonly targetsByTask: Statement<[string], DocRow>;
  private readonly putTargetStmt: Statement<[string, string, number, string | null, string]>;
  private readonly removeTargetStmt: Statement<[string, string, number]>;

  constructor(db: Database) {
    this.byArn = db.prepare("SELECT doc FROM elb_resources WHERE arn = ? AND kind = ?");
    this.byName = db.prepare("SELECT doc FROM elb_resources WHERE kind = ? AND name = ?");
    this.byKind = db.prepare("SELECT doc FROM elb_resources WHERE kind = ? ORDER BY name, arn");
    this.byParent = db.prepare("SELECT doc FROM elb_resources WHERE parent_arn = ? AND kind = ? ORDER BY arn");
    this.put = db.prepare(
      `INSERT INTO elb_resources (arn, kind, name, parent_arn, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (arn) DO UPDATE SET name = excluded.name, parent_arn = excluded.parent_arn, doc = excluded.doc`,
    );
    this.removeStmt = db.prepare("DELETE FROM elb_resources WHERE arn = ?");
    this.removeTargetsOf = db.prepare("DELETE FROM elb_targets WHERE target_group_arn = ?");
    this.targetsOf = db.prepare("SELECT doc FROM elb_targets WHERE target_group_arn = ? ORDER BY target_id, port");
    this.targetsByTask = db.prepare("SELECT doc FROM elb_targets WHERE task_arn = ? ORDER BY target_group_arn");
    this.putTargetStmt = db.prepare(
      `INSERT INTO elb_targets (target_group_arn, target_id, port, task_arn, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (target_group_arn, target_id, port) DO UPDATE SET task_arn = excluded.task_arn, doc = excluded.doc`,
    );
    this.removeTargetStmt = db.prepare("DELETE FROM elb_targets WHERE target_group_arn = ? AND target_id = ? AND port = ?");
  }

  private one<T>(kind: Kind, arn: string): Promise<T | undefined> {
    const row = this.byArn.get(arn, kind);
    return Promise.resolve(row && parseDoc<T>(row));
  }
  private named<T>(kind: Kind, name: string): Promise<T | undefined> {
    const row = this.byName.get(kind, name);
    return Promise.resolve(row && parseDoc<T>(row));
  }
  private all<T>(kind: Kind): Promise<T[]> {
    return Promise.resolve(this.byKind.all(kind).map((r) => parseDoc<T>(r)));
  }
  private save(kind: Kind, arn: string, name: string | null, parent: string | null, doc: object): Promise<void> {
    this.put.run(arn, kind, name, parent, JSON.stringify(doc));
    return Promise.resolve();
  }

  loadBalancer = (arn: string) => this.one<LoadBalancerRecord>("loadbalancer", arn);
  loadBalancerNamed = (name: string) => this.named<LoadBalancerRecord>("loadbalancer", name);
  loadBalancers = () => this.all<LoadBalancerRecord>("loadbalancer");
  targetGroup = (arn: string) => this.one<TargetGroupRecord>("targetgroup", arn);
  targetGroupNamed = (name: string) => this.named<TargetGroupRecord>("targetgroup", name);
  targetGroups = () => this.all<TargetGroupRecord>("targetgroup");
  listener = (arn: string) => this.one<ListenerRecord>("listener", arn);
  listeners(loadBalancerArn?: string): Promise<ListenerRecord[]> {
    if (loadBalancerArn === undefined) return this.all<ListenerRecord>("listener");
    return Promise.resolve(this.byParent.all(loadBalancerArn, "listener").map((r) => parseDoc<ListenerRecord>(r)));
  }
  rule = (arn: string) => this.one<RuleRecord>("rule", arn);
  rules(listenerArn: string): Promise<RuleRecord[]> {
    const rules = this.byParent.all(listenerArn, "rule").map((r) => parseDoc<RuleRecord>(r));
    return Promise.resolve(rules.sort((a, b) => a.priority - b.priority));
  }
  targets(targetGroupArn: string): Promise<TargetRecord[]> {
    return Promise.resolve(this.targetsOf.all(targetGroupArn).map((r) => parseDoc<TargetRecord>(r)));
  }
  targetsOfTask(taskArn: string): Promise<TargetRecord[]> {
    return Promise.resolve(this.targetsByTask.all(taskArn).map((r) => parseDoc<TargetRecord>(r)));
  }

  putLoadBalancer = (r: LoadBalancerRecord) => this.save("loadbalancer", r.arn, r.name, null, r);
  putTargetGroup = (r: TargetGroupRecord) => this.save("targetgroup", r.arn, r.name, null, r);
  putListener = (r: ListenerRecord) => this.save("listener", r.arn, null, r.loadBalancerArn, r);
  putRule = (r: RuleRecord) => this.save("rule", r.arn, null, r.listenerArn, r);
  remove(arn: string): Promise<void> {
    this.removeStmt.run(arn);
    this.removeTargetsOf.run(arn);
    return Promise.resolve();
  }
  putTarget(r: TargetRecord): Promise<void> {
    this.putTargetStmt.run(r.targetGroupArn, r.id, r.port, r.taskArn ?? null, JSON.stringify(r));
    return Promise.resolve();
  }
  removeTarget(targetGroupArn: string, id: string, port: number): Promise<void> {
    this.removeTargetStmt.run(targetGroupArn, id, port);
    return Promise.resolve();
  }
}
