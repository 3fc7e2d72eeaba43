import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthCluster } from "./support/berth-cluster.js";
import { elbv2, first, get } from "./support/elbv2-cli.js";
import { until } from "./support/until.js";
import { aWebLoadBalancer, awsJson, registerTaskIdWeb, targetHealth, taskIdOf } from "./support/web-behind-lb.js";

interface CliTask {
  taskArn: string;
  startedBy: string;
  lastStatus: string;
  containers: { networkBindings?: { hostPort: number; containerPort: number }[] }[];
}

/**
 * Task sets behind a load balancer, with /usr/bin/aws only, on a real server, agent and Docker: an
 * EXTERNAL service's load balancers are its task sets', each registering its tasks in its own
 * target group, while the external controller turns the listener from one group to the other.
 */
describe("task sets of an EXTERNAL service behind a load balancer (aws CLI only)", () => {
  let cluster: BerthCluster;
  const aws = awsJson(() => cluster.server);

  before(async () => {
    cluster = await BerthCluster.start({ name: "ext-lb", agents: 1, serverArgs: ["--task-healthy-after", "2s"] });
  });
  after(() => cluster.stop());

  it("an EXTERNAL service's task sets each register in their own target group; the controller turns the listener and deletes the old set, whose targets drain", async () => {
    const extPort = await freeBlock(1);
    const { tgArn: blueTg } = await aWebLoadBalancer(cluster.server, extPort, { prefix: "ext", loadBalancerArgs: ["--subnets", "subnet-a"], targetGroupArgs: ["--vpc-id", "vpc-1"], deregistrationDelaySeconds: 3 });
    const greenTg = first(
      await elbv2(cluster.server, "create-target-group", "--name", "ext-green-tg", "--protocol", "HTTP", "--port", "80", "--vpc-id", "vpc-1", "--health-check-path", "/",
        "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "2", "--healthy-threshold-count", "2"),
      "TargetGroups",
      "TargetGroupArn",
    );
    const listenerArn = first(await elbv2(cluster.server, "describe-listeners", "--load-balancer-arn", first(await elbv2(cluster.server, "describe-load-balancers", "--names", "ext-lb"), "LoadBalancers", "LoadBalancerArn")), "Listeners", "ListenerArn");
    // What an external deployment controller does: one listener forwarding to both groups, the weights turned from one to the other.
    const forward = (blue: number, green: number) =>
      elbv2(cluster.server, "modify-listener", "--listener-arn", listenerArn, "--default-actions",
        JSON.stringify([{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: blueTg, Weight: blue }, { TargetGroupArn: greenTg, Weight: green }] } }]));
    await forward(100, 0);
    await aws("ecs", "create-service", "--cluster", cluster.name, "--service-name", "ext", "--desired-count", "2", "--deployment-controller", "type=EXTERNAL");
    const taskDefinition = await registerTaskIdWeb(cluster.server, "ext-web");
    const createSet = async (group: string): Promise<string> =>
      ((await aws("ecs", "create-task-set", "--cluster", cluster.name, "--service", "ext", "--task-definition", taskDefinition, "--scale", "value=100,unit=PERCENT",
        "--load-balancers", `targetGroupArn=${group},containerName=web,containerPort=80`)).taskSet as { id: string }).id;
    const setTasks = async (id: string): Promise<CliTask[]> => {
      const arns = (await aws("ecs", "list-tasks", "--cluster", cluster.name, "--service-name", "ext")).taskArns as string[];
      const all = arns.length === 0 ? [] : ((await aws("ecs", "describe-tasks", "--cluster", cluster.name, "--tasks", ...arns)).tasks as CliTask[]);
      return all.filter((t) => t.startedBy === id && t.lastStatus === "RUNNING");
    };
    /** Once the group has 2 healthy targets: they are the set's 2 tasks, at their host ports; their ids. */
    const healthyIn = async (group: string, id: string): Promise<string[]> => {
      const healthy = await until(`2 healthy targets in ${group.split("/").at(-2) ?? ""}`, async () => {
        const hs = (await targetHealth(cluster.server, group)).filter((h) => h.TargetHealth.State === "healthy");
        return hs.length === 2 ? hs.map((h) => h.Target.Port).sort() : undefined;
      }, { timeoutMs: 60_000 });
      const ts = await setTasks(id);
      assert.deepEqual(ts.map((t) => t.containers[0]!.networkBindings!.find((b) => b.containerPort === 80)!.hostPort).sort(), healthy);
      return ts.map((t) => t.taskArn.split("/").at(-1)!).sort();
    };
    const answering = async (): Promise<string[]> => {
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) seen.add(taskIdOf((await get(extPort, "/")).body));
      return [...seen].sort();
    };

    // Green starts beside blue, each set's tasks in its own group; the listener sends everything to blue until turned.
    const blue = await createSet(blueTg);
    const green = await createSet(greenTg);
    const blueTasks = await healthyIn(blueTg, blue);
    assert.deepEqual(await answering(), blueTasks);
    const greenTasks = await healthyIn(greenTg, green);
    assert.deepEqual(await targetHealth(cluster.server, blueTg).then((hs) => hs.length), 2, "green's tasks are in green's group only");
    await forward(0, 100);
    await aws("ecs", "update-service-primary-task-set", "--cluster", cluster.name, "--service", "ext", "--primary-task-set", green);
    assert.deepEqual(await answering(), greenTasks);
    const described = ((await aws("ecs", "describe-services", "--cluster", cluster.name, "--services", "ext")).services as { loadBalancers: { targetGroupArn: string }[] }[])[0]!;
    assert.deepEqual(described.loadBalancers.map((lb) => lb.targetGroupArn), [greenTg], "the service shows its primary task set's load balancers");
    await aws("ecs", "delete-task-set", "--cluster", cluster.name, "--service", "ext", "--task-set", blue, "--force");
    await until("blue's targets drained and gone", async () => ((await targetHealth(cluster.server, blueTg)).length === 0 ? true : undefined), { timeoutMs: 30_000 });
    assert.deepEqual(await answering(), greenTasks);
  });
});
