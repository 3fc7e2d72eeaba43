import { it } from "node:test";
import assert from "node:assert/strict";
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord, TargetRecord } from "../domain/load-balancing/types.js";
import type { Store } from "./store.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

const elb = "arn:aws:elasticloadbalancing:us-east-1:1";
const aLoadBalancer = (name: string, id: string): LoadBalancerRecord => ({
  arn: `${elb}:loadbalancer/app/${name}/${id}`,
  name,
  type: "application",
  scheme: "internal",
  ipAddressType: "ipv4",
  createdAtMs: 0,
  attributes: {},
});
const aTargetGroup = (name: string, id: string): TargetGroupRecord => ({
  arn: `${elb}:targetgroup/${name}/${id}`,
  name,
  protocol: "HTTP",
  port: 80,
  targetType: "ip",
  vpcId: "vpc-1",
  healthCheck: { enabled: true, protocol: "HTTP", port: "traffic-port", path: "/", intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, httpCode: "200" },
  createdAtMs: 0,
  attributes: {},
});
const aListener = (lb: LoadBalancerRecord, id: string, port = 80): ListenerRecord => ({
  arn: `${lb.arn.replace(":loadbalancer/", ":listener/")}/${id}`,
  loadBalancerArn: lb.arn,
  port,
  protocol: "HTTP",
  defaultActions: [{ type: "fixed-response", statusCode: "404" }],
});
const aRule = (listener: ListenerRecord, id: string, priority: number): RuleRecord => ({
  arn: `${listener.arn.replace(":listener/", ":listener-rule/")}/${id}`,
  listenerArn: listener.arn,
  priority,
  conditions: [{ field: "path-pattern", values: [`/${id}`] }],
  actions: [{ type: "fixed-response", statusCode: "200" }],
});
const aTarget = (tg: TargetGroupRecord, id: string, port: number, o: Partial<TargetRecord> = {}): TargetRecord => ({
  targetGroupArn: tg.arn,
  id,
  port,
  registeredAtMs: 0,
  state: "registered",
  ...o,
});

/** The ELBv2 part of the Store contract: resources by ARN, name and parent; a listener's rules by priority; target registrations. */
export function loadBalancingContract(withStore: WithStore): void {
  it("keeps load balancers and target groups by ARN and by name, apart by kind, listed by name", () =>
    withStore(async (store) => {
      const [web, api, web2] = [aLoadBalancer("web", "2"), aLoadBalancer("api", "3"), aLoadBalancer("web", "1")];
      const tg = aTargetGroup("web", "9");
      await store.write(async (tx) => {
        for (const lb of [web, api, web2]) await tx.loadBalancing.putLoadBalancer(lb);
        await tx.loadBalancing.putTargetGroup(tg);
      });
      const lbs = await store.read((tx) => tx.loadBalancing.loadBalancers());
      assert.deepEqual(lbs.map((l) => l.arn), [api.arn, web2.arn, web.arn], "by name, then ARN");
      assert.deepEqual(await store.read((tx) => tx.loadBalancing.loadBalancer(api.arn)), api);
      assert.equal((await store.read((tx) => tx.loadBalancing.loadBalancerNamed("api")))?.arn, api.arn);
      assert.equal(await store.read((tx) => tx.loadBalancing.loadBalancer(tg.arn)), undefined, "a target group is no load balancer");
      assert.equal(await store.read((tx) => tx.loadBalancing.targetGroupNamed("api")), undefined, "a load balancer's name is no target group's");
      assert.deepEqual(await store.read((tx) => tx.loadBalancing.targetGroupNamed("web")), tg);
      assert.deepEqual((await store.read((tx) => tx.loadBalancing.targetGroups())).map((t) => t.arn), [tg.arn]);
      await store.write((tx) => tx.loadBalancing.putLoadBalancer({ ...api, name: "api2", scheme: "internet-facing" }));
      assert.equal(await store.read((tx) => tx.loadBalancing.loadBalancerNamed("api")), undefined, "a save replaces the name");
      assert.equal((await store.read((tx) => tx.loadBalancing.loadBalancerNamed("api2")))?.scheme, "internet-facing");
      await store.write((tx) => tx.loadBalancing.remove(web.arn));
      assert.deepEqual((await store.read((tx) => tx.loadBalancing.loadBalancers())).map((l) => l.arn), [api.arn, web2.arn]);
    }));

  it("lists listeners, all or a load balancer's, and a listener's rules by priority", () =>
    withStore(async (store) => {
      const [a, b] = [aLoadBalancer("a", "1"), aLoadBalancer("b", "2")];
      const [a2, a1, b1] = [aListener(a, "2", 81), aListener(a, "1", 80), aListener(b, "1")];
      const [r30, r10, r20] = [aRule(a1, "x", 30), aRule(a1, "y", 10), aRule(a1, "z", 20)];
      await store.write(async (tx) => {
        for (const lb of [a, b]) await tx.loadBalancing.putLoadBalancer(lb);
        for (const l of [a2, a1, b1]) await tx.loadBalancing.putListener(l);
        for (const r of [r30, r10, r20, aRule(a2, "w", 1)]) await tx.loadBalancing.putRule(r);
      });
      assert.deepEqual((await store.read((tx) => tx.loadBalancing.listeners(a.arn))).map((l) => l.arn), [a1.arn, a2.arn]);
      assert.deepEqual((await store.read((tx) => tx.loadBalancing.listeners())).map((l) => l.arn), [a1.arn, a2.arn, b1.arn]);
      assert.deepEqual(await store.read((tx) => tx.loadBalancing.listener(b1.arn)), b1);
      assert.deepEqual((await store.read((tx) => tx.loadBalancing.rules(a1.arn))).map((r) => r.priority), [10, 20, 30]);
      assert.deepEqual(await store.read((tx) => tx.loadBalancing.rule(r20.arn)), r20);
      assert.equal(await store.read((tx) => tx.loadBalancing.rule(a1.arn)), undefined, "a listener is no rule");
      await store.write((tx) => tx.loadBalancing.putRule({ ...r10, priority: 40 }));
      await store.write((tx) => tx.loadBalancing.remove(r20.arn));
      assert.deepEqual((await store.read((tx) => tx.loadBalancing.rules(a1.arn))).map((r) => r.arn), [r30.arn, r10.arn]);
      assert.deepEqual(await store.read((tx) => tx.loadBalancing.rules(b1.arn)), []);
    }));

  it("keeps target registrations by (group, id, port), a save replacing one, and finds a task's", () =>
    withStore(async (store) => {
      const [tg, other] = [aTargetGroup("b", "2"), aTargetGroup("a", "1")];
      const task = "arn:aws:ecs:us-east-1:1:task/c/t1";
      await store.write(async (tx) => {
        for (const g of [tg, other]) await tx.loadBalancing.putTargetGroup(g);
        await tx.loadBalancing.putTarget(aTarget(tg, "10.0.0.2", 8080));
        await tx.loadBalancing.putTarget(aTarget(tg, "10.0.0.1", 8081));
        await tx.loadBalancing.putTarget(aTarget(tg, "10.0.0.1", 8080, { taskArn: task }));
        await tx.loadBalancing.putTarget(aTarget(other, "10.0.0.1", 8080, { taskArn: task }));
      });
      const targets = () => store.read(async (tx) => (await tx.loadBalancing.targets(tg.arn)).map((t) => `${t.id}:${t.port}:${t.state}`));
      assert.deepEqual(await targets(), ["10.0.0.1:8080:registered", "10.0.0.1:8081:registered", "10.0.0.2:8080:registered"]);
      assert.deepEqual((await store.read((tx) => tx.loadBalancing.targetsOfTask(task))).map((t) => t.targetGroupArn), [other.arn, tg.arn]);
      await store.write(async (tx) => {
        // A service's target deregistered: the same key, its task given up.
        await tx.loadBalancing.putTarget(aTarget(tg, "10.0.0.1", 8080, { state: "draining", drainUntilMs: 5 }));
        await tx.loadBalancing.removeTarget(tg.arn, "10.0.0.2", 8080);
        await tx.loadBalancing.removeTarget(tg.arn, "10.0.0.1", 9999);
      });
      assert.deepEqual(await targets(), ["10.0.0.1:8080:draining", "10.0.0.1:8081:registered"]);
      assert.equal((await store.read((tx) => tx.loadBalancing.targets(tg.arn)))[0]?.drainUntilMs, 5);
      assert.deepEqual((await store.read((tx) => tx.loadBalancing.targetsOfTask(task))).map((t) => t.targetGroupArn), [other.arn]);
      await store.write((tx) => tx.loadBalancing.remove(tg.arn));
      assert.equal(await store.read((tx) => tx.loadBalancing.targetGroup(tg.arn)), undefined);
      assert.deepEqual(await targets(), [], "a target group's targets go with it");
      assert.equal((await store.read((tx) => tx.loadBalancing.targets(other.arn))).length, 1);
    }));
}
