import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateServiceCommand, DescribeTasksCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthCluster } from "./support/berth-cluster.js";
import { anOpenWebGroup, aTestSubnet, eniDetail, stopAwsvpcCluster, testPauseAgentEnv } from "./support/awsvpc-tasks.js";
import { get } from "./support/elbv2-cli.js";
import { aContainer } from "./support/fixtures.js";
import { refusal } from "./support/refusal.js";
import { until } from "./support/until.js";
import { aWebLoadBalancer, targetHealth } from "./support/web-behind-lb.js";

/**
 * An awsvpc service behind a target group of type `ip`, as ECS users run Fargate services behind
 * an ALB: the tasks are registered by their network interface's address and the container port,
 * and requests through the listener reach each task at its own address.
 */
describe("an awsvpc service behind an ip target group", () => {
  let cluster: BerthCluster;
  const { subnet, network } = aTestSubnet();
  let port = 0;
  let family = "";
  let awsvpc = { awsvpcConfiguration: { subnets: [subnet], securityGroups: [] as string[] } };

  before(async () => {
    cluster = await BerthCluster.start({ name: "lb-awsvpc", agentEnv: testPauseAgentEnv, serverArgs: ["--task-healthy-after", "1s"] });
    // The load balancer reaches the tasks from the host: their group lets anyone in on port 80.
    awsvpc = { awsvpcConfiguration: { subnets: [subnet], securityGroups: [await anOpenWebGroup(cluster.server)] } };
    // Each task's containers share its pause container's namespace, and its hostname: a page per task.
    family = await cluster.register({
      family: "lb-awsvpc-web",
      networkMode: "awsvpc",
      containerDefinitions: [aContainer({ name: "web", portMappings: [{ containerPort: 80 }], command: ["sh", "-c", "hostname > /www/index.html; exec serve"] })],
    });
    port = await freeBlock(1);
  });
  after(async () => {
    await stopAwsvpcCluster(cluster, network);
  });

  it("refuses an awsvpc service on an instance target group, and a bridge one on an ip group, with ECS's message", async () => {
    const { tgArn } = await aWebLoadBalancer(cluster.server, port);
    const refused = await refusal(
      cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "mismatch", taskDefinition: family, desiredCount: 1, networkConfiguration: awsvpc,
        loadBalancers: [{ targetGroupArn: tgArn, containerName: "web", containerPort: 80 }] })),
    );
    assert.equal(refused.name, "InvalidParameterException");
    assert.match(refused.message, /has target type instance, which is incompatible with the awsvpc network mode specified in the task definition/);
  });

  it("registers each task at its address and port 80; both are healthy and answer through the listener", async () => {
    const lbPort = await freeBlock(1);
    const { tgArn } = await aWebLoadBalancer(cluster.server, lbPort, { prefix: "ip", targetGroupArgs: ["--target-type", "ip"] });
    await cluster.ecs.send(
      new CreateServiceCommand({ cluster: cluster.name, serviceName: "web", taskDefinition: family, desiredCount: 2, networkConfiguration: awsvpc,
        loadBalancers: [{ targetGroupArn: tgArn, containerName: "web", containerPort: 80 }] }),
    );
    const tasks = await until("2 RUNNING tasks with addresses", async () => {
      const arns = (await cluster.ecs.send(new ListTasksCommand({ cluster: cluster.name, serviceName: "web" }))).taskArns ?? [];
      if (arns.length !== 2) return undefined;
      const ts = (await cluster.ecs.send(new DescribeTasksCommand({ cluster: cluster.name, tasks: arns }))).tasks ?? [];
      return ts.every((t) => t.lastStatus === "RUNNING" && eniDetail(t, "privateIPv4Address") !== "") ? ts : undefined;
    }, { timeoutMs: 60_000 });
    const healthy = await until("2 healthy targets", async () => {
      const hs = await targetHealth(cluster.server, tgArn);
      return hs.length === 2 && hs.every((h) => h.TargetHealth.State === "healthy") ? hs : undefined;
    }, { timeoutMs: 40_000 });
    assert.deepEqual(healthy.map((h) => `${h.Target.Id}:${h.Target.Port}`).sort(), tasks.map((t) => `${eniDetail(t, "privateIPv4Address")}:80`).sort());

    const pages = new Set<string>();
    for (let i = 0; i < 20 && pages.size < 2; i++) {
      const r = await get(lbPort, "/");
      assert.equal(r.status, 200);
      pages.add(r.body.trim());
    }
    assert.equal(pages.size, 2, `requests reached only ${[...pages].join(", ")}`);
  });
});
