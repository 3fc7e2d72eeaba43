import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord, TargetRecord } from "../../domain/load-balancing/types.js";
import type { LoadBalancingRepository } from "../load-balancing-store.js";
import type { DocRow } from "./rows.js";
import type { Sql } from "./sql.js";

type Kind = "loadbalancer" | "targetgroup" | "listener" | "rule";

/** ELBv2 state, as sqlite/load-balancing.ts: one document table by ARN (kind, name, parent) and one of target registrations. */
export class PostgresLoadBalancing implements LoadBalancingRepository {
  constructor(private readonly db: Sql) {}

  private async docs<T>(text: string, params: readonly unknown[]): Promise<T[]> {
    return (await this.db.rows<DocRow<T>>(text, params)).map((r) => r.doc);
  }
  private async one<T>(kind: Kind, arn: string): Promise<T | undefined> {
    return (await this.db.row<DocRow<T>>("SELECT doc FROM elb_resources WHERE arn = $1 AND kind = $2", [arn, kind]))?.doc;
  }
  private async named<T>(kind: Kind, name: string): Promise<T | undefined> {
    return (await this.db.row<DocRow<T>>("SELECT doc FROM elb_resources WHERE kind = $1 AND name = $2", [kind, name]))?.doc;
  }
  private all<T>(kind: Kind): Promise<T[]> {
    return this.docs<T>("SELECT doc FROM elb_resources WHERE kind = $1 ORDER BY name, arn", [kind]);
  }
  private children<T>(kind: Kind, parentArn: string): Promise<T[]> {
    return this.docs<T>("SELECT doc FROM elb_resources WHERE parent_arn = $1 AND kind = $2 ORDER BY arn", [parentArn, kind]);
  }
  private async save(kind: Kind, arn: string, name: string | null, parent: string | null, doc: object): Promise<void> {
    await this.db.run(
      `INSERT INTO elb_resources (arn, kind, name, parent_arn, doc) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (arn) DO UPDATE SET name = excluded.name, parent_arn = excluded.parent_arn, doc = excluded.doc`,
      [arn, kind, name, parent, JSON.stringify(doc)],
    );
  }

  loadBalancer = (arn: string) => this.one<LoadBalancerRecord>("loadbalancer", arn);
  loadBalancerNamed = (name: string) => this.named<LoadBalancerRecord>("loadbalancer", name);
  loadBalancers = () => this.all<LoadBalancerRecord>("loadbalancer");
  targetGroup = (arn: string) => this.one<TargetGroupRecord>("targetgroup", arn);
  targetGroupNamed = (name: string) => this.named<TargetGroupRecord>("targetgroup", name);
  targetGroups = () => this.all<TargetGroupRecord>("targetgroup");
  listener = (arn: string) => this.one<ListenerRecord>("listener", arn);
  listeners(loadBalancerArn?: string): Promise<ListenerRecord[]> {
    return loadBalancerArn === undefined ? this.all<ListenerRecord>("listener") : this.children<ListenerRecord>("listener", loadBalancerArn);
  }
  rule = (arn: string) => this.one<RuleRecord>("rule", arn);
  async rules(listenerArn: string): Promise<RuleRecord[]> {
    // By ARN, then (a stable sort) by priority: ties stay in ARN order, as on SQLite.
    return (await this.children<RuleRecord>("rule", listenerArn)).sort((a, b) => a.priority - b.priority);
  }
  targets(targetGroupArn: string): Promise<TargetRecord[]> {
    return this.docs<TargetRecord>("SELECT doc FROM elb_targets WHERE target_group_arn = $1 ORDER BY target_id, port", [targetGroupArn]);
  }
  targetsOfTask(taskArn: string): Promise<TargetRecord[]> {
    return this.docs<TargetRecord>("SELECT doc FROM elb_targets WHERE task_arn = $1 ORDER BY target_group_arn", [taskArn]);
  }

  putLoadBalancer = (r: LoadBalancerRecord) => this.save("loadbalancer", r.arn, r.name, null, r);
  putTargetGroup = (r: TargetGroupRecord) => this.save("targetgroup", r.arn, r.name, null, r);
  putListener = (r: ListenerRecord) => this.save("listener", r.arn, null, r.loadBalancerArn, r);
  putRule = (r: RuleRecord) => this.save("rule", r.arn, null, r.listenerArn, r);
  async remove(arn: string): Promise<void> {
    await this.db.run("DELETE FROM elb_resources WHERE arn = $1", [arn]);
    await this.db.run("DELETE FROM elb_targets WHERE target_group_arn = $1", [arn]);
  }
  async putTarget(r: TargetRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO elb_targets (target_group_arn, target_id, port, task_arn, doc) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (target_group_arn, target_id, port) DO UPDATE SET task_arn = excluded.task_arn, doc = excluded.doc`,
      [r.targetGroupArn, r.id, r.port, r.taskArn ?? null, JSON.stringify(r)],
    );
  }
  async removeTarget(targetGroupArn: string, id: string, port: number): Promise<void> {
    await this.db.run("DELETE FROM elb_targets WHERE target_group_arn = $1 AND target_id = $2 AND port = $3", [targetGroupArn, id, port]);
  }
}
