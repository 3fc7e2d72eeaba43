import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type LoadBalancer,
  type ServiceDeployment,
} from "@aws-sdk/client-ecs";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  type Action,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthCluster } from "./support/berth-cluster.js";
import { elbv2Client, get } from "./support/elbv2-cli.js";
import { testImage } from "./support/fixtures.js";
import { describeService } from "./support/services.js";
import { steadyClient } from "./support/steady-client.js";
import { until } from "./support/until.js";

/**
 * ECS's blue/green deployments (deploymentConfiguration.strategy BLUE_GREEN) behind Berth's load
 * balancer, with the real server, agent and Docker, through the SDK v3 (the CLI 2.9 at /usr/bin/aws
 * knows neither the strategy nor advancedConfiguration): green runs beside blue in the alternate
 * target group, takes test and then production traffic once healthy, a rollback during the bake
 * time turns traffic back to blue's tasks at once, and a keep-alive client sees no error throughout.
 */
describe("blue/green deployments behind a load balancer", () => {
  let cluster: BerthCluster;
  let prodPort: number;
  let testPort: number;
  let blueTg: string;
  let greenTg: string;
  let prodRule: string;
  let testRule: string;
  let prodListener: string;

  before(async () => {
    cluster = await BerthCluster.start({ name: "blue-green", agents: 1, serverArgs: ["--task-healthy-after", "1s"] });
    [prodPort, testPort] = await freeBlock(2).then((p) => [p, p + 1]);
    const elb = elbv2Client(cluster.server);
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: "bg-lb" }))).LoadBalancers![0]!.LoadBalancerArn!;
    const group = async (name: string) =>
      (
        await elb.send(
          new CreateTargetGroupCommand({ Name: name, Protocol: "HTTP", Port: 80, HealthCheckPath: "/", HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2 }),
        )
      ).TargetGroups![0]!.TargetGroupArn!;
    blueTg = await group("bg-blue");
    greenTg = await group("bg-green");
    const both: Action[] = [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: blueTg, Weight: 100 }, { TargetGroupArn: greenTg, Weight: 0 }] } }];
    const notFound: Action[] = [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain", MessageBody: "no rule" } }];
    const ruleOn = async (port: number) => {
      const listener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: "HTTP", Port: port, DefaultActions: notFound }))).Listeners![0]!.ListenerArn!;
      const rule = (await elb.send(new CreateRuleCommand({ ListenerArn: listener, Priority: 1, Conditions: [{ Field: "path-pattern", Values: ["/*"] }], Actions: both }))).Rules![0]!.RuleArn!;
      return [listener, rule] as const;
    };
    [prodListener, prodRule] = await ruleOn(prodPort);
    [, testRule] = await ruleOn(testPort);
    for (const version of ["v1", "v2"]) {
      await cluster.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: "bg",
          containerDefinitions: [{ name: "web", image: testImage, memory: 32, command: ["sh", "-c", `echo ${version} > /www/index.html; exec serve`], portMappings: [{ containerPort: 80, hostPort: 0 }] }],
        }),
      );
    }
  });
  after(async () => {
    await cluster.stop();
  });

  const loadBalancers = (alternate = greenTg): LoadBalancer[] => [
    {
      targetGroupArn: blueTg,
      containerName: "web",
      containerPort: 80,
      advancedConfiguration: { alternateTargetGroupArn: alternate, productionListenerRule: prodRule, testListenerRule: testRule, roleArn: "arn:aws:iam::000000000000:role/ecsInfrastructureRole" },
    },
  ];
  const answer = async (port: number) => (await get(port, "/")).body.trim();
  const runningTasks = async () => ((await cluster.ecs.send(new ListTasksCommand({ cluster: cluster.name, serviceName: "web", desiredStatus: "RUNNING" }))).taskArns ?? []).sort();
  const newestDeployment = async (): Promise<ServiceDeployment> => {
    const [brief] = (await cluster.ecs.send(new ListServiceDeploymentsCommand({ cluster: cluster.name, service: "web" }))).serviceDeployments ?? [];
    return (await cluster.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [brief!.serviceDeploymentArn!] }))).serviceDeployments![0]!;
  };
  const completed = (revision: number) =>
    until(`web on bg:${revision} COMPLETED`, async () => {
      const s = await describeService(cluster.ecs, cluster.name, "web");
      const d = s.deployments ?? [];
      return d.length === 1 && d[0]?.rolloutState === "COMPLETED" && d[0]?.taskDefinition?.endsWith(`bg:${revision}`) && s.runningCount === 2 ? s : undefined;
    }, { timeoutMs: 90_000, everyMs: 500 });

  it("refuses what cannot shift traffic, saying what to fix: an unattached alternate group, a rule not forwarding to both, no advancedConfiguration", async () => {
    const other = (await elbv2Client(cluster.server).send(new CreateTargetGroupCommand({ Name: "bg-other", Protocol: "HTTP", Port: 80 }))).TargetGroups![0]!.TargetGroupArn!;
    // Attached to nothing: refused as ECS refuses an unattached target group.
    await assert.rejects(
      cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "web", taskDefinition: "bg:1", desiredCount: 2, loadBalancers: loadBalancers(other), deploymentConfiguration: { strategy: "BLUE_GREEN" } })),
      (e: Error) => e.name === "InvalidParameterException" && /alternateTargetGroupArn .* does not have an associated load balancer/.test(e.message),
    );
    // The listener's own default action answers 404: it forwards to neither target group.
    const viaListener = loadBalancers().map((lb) => ({ ...lb, advancedConfiguration: { ...lb.advancedConfiguration, productionListenerRule: prodListener } }));
    await assert.rejects(
      cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "web", taskDefinition: "bg:1", desiredCount: 2, loadBalancers: viaListener, deploymentConfiguration: { strategy: "BLUE_GREEN" } })),
      (e: Error) => e.name === "InvalidParameterException" && e.message.includes(`The productionListenerRule ${prodListener} must forward to both target groups, ${blueTg} and ${greenTg}`),
    );
    await assert.rejects(
      cluster.ecs.send(
        new CreateServiceCommand({
          cluster: cluster.name,
          serviceName: "web",
          taskDefinition: "bg:1",
          desiredCount: 2,
          loadBalancers: [{ targetGroupArn: blueTg, containerName: "web", containerPort: 80 }],
          deploymentConfiguration: { strategy: "BLUE_GREEN" },
        }),
      ),
      (e: Error) => e.name === "InvalidParameterException" && /needs an advancedConfiguration with alternateTargetGroupArn and productionListenerRule/.test(e.message),
    );
  });

  it("green beside blue, test then production traffic to green, rollback to blue's same tasks at once, then a clean deployment; no failed request", async () => {
    await cluster.ecs.send(
      new CreateServiceCommand({
        cluster: cluster.name,
        serviceName: "web",
        taskDefinition: "bg:1",
        desiredCount: 2,
        loadBalancers: loadBalancers(),
        deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: 10 },
      }),
    );
    const created = await completed(1);
    assert.deepEqual([created.deploymentConfiguration?.strategy, created.deploymentConfiguration?.bakeTimeInMinutes], ["BLUE_GREEN", 10]);
    assert.equal(created.loadBalancers?.[0]?.advancedConfiguration?.alternateTargetGroupArn, greenTg);
    await until("v1 answering in production", async () => ((await answer(prodPort)) === "v1" ? true : undefined));
    const blue = await runningTasks();
    const client = steadyClient(prodPort);
    await until("the client getting answers", () => (client.ok > 10 ? true : undefined));

    await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "web", taskDefinition: "bg:2" }));
    const baking = await until("the green deployment baking", async () => {
      const d = await newestDeployment();
      return d.lifecycleStage === "BAKE_TIME" ? d : undefined;
    }, { timeoutMs: 90_000, everyMs: 250 });
    assert.equal(baking.status, "IN_PROGRESS");
    // Traffic moves with the rules' weights; the data plane reads them within a second.
    await until("v2 answering on the test and production listeners", async () => ((await answer(testPort)) === "v2" && (await answer(prodPort)) === "v2" ? true : undefined), { timeoutMs: 5_000 });
    const elb = elbv2Client(cluster.server);
    const weights = async (): Promise<Record<string, number | undefined>> => {
      const rule = (await elb.send(new DescribeRulesCommand({ RuleArns: [prodRule] }))).Rules![0]!;
      return Object.fromEntries((rule.Actions?.[0]?.ForwardConfig?.TargetGroups ?? []).map((g) => [g.TargetGroupArn ?? "", g.Weight]));
    };
    assert.deepEqual(await weights(), { [blueTg]: 0, [greenTg]: 100 });
    const green = (await runningTasks()).filter((a) => !blue.includes(a));
    assert.equal(green.length, 2);
    assert.equal((await runningTasks()).length, 4, "blue's tasks keep running through the bake time");
    const greenTargets = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: greenTg }))).TargetHealthDescriptions ?? [];
    assert.deepEqual(greenTargets.map((t) => t.TargetHealth?.State), ["healthy", "healthy"]);

    // Rollback during the bake time: traffic returns to blue's tasks, which never stopped.
    const rollbackAt = Date.now();
    await cluster.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: baking.serviceDeploymentArn, stopType: "ROLLBACK" }));
    await until("v1 answering in production again", async () => ((await answer(prodPort)) === "v1" ? true : undefined), { timeoutMs: 5_000, everyMs: 100 });
    const rollbackMs = Date.now() - rollbackAt;
    assert.deepEqual(await weights(), { [blueTg]: 100, [greenTg]: 0 });
    await until("green's tasks gone", async () => ((await runningTasks()).join() === blue.join() ? true : undefined), { timeoutMs: 60_000, everyMs: 500 });
    const rolledBack = (await cluster.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [baking.serviceDeploymentArn!] }))).serviceDeployments![0]!;
    assert.equal(rolledBack.status, "ROLLBACK_SUCCESSFUL");
    assert.equal(rolledBack.rollback?.serviceRevisionArn, rolledBack.sourceServiceRevisions?.[0]?.arn);

    // The next deployment goes to the green target group again, bakes 0 minutes and completes.
    await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "web", taskDefinition: "bg:2", deploymentConfiguration: { bakeTimeInMinutes: 0 } }));
    const done = await completed(2);
    assert.equal(await answer(prodPort), "v2");
    assert.ok((await runningTasks()).every((a) => !blue.includes(a)), "blue's tasks stopped once baked");
    const outcome = await client.stop();
    assert.deepEqual(outcome.failures, [], `${outcome.failures.length} of ${outcome.ok + outcome.failures.length} requests failed`);
    assert.ok(outcome.ok > 100, `only ${outcome.ok} requests answered`);

    const messages = (done.events ?? []).map((e) => e.message ?? "");
    assert.ok(messages.some((m) => m.includes(`shifted production traffic to (target-group ${greenTg})`)), messages.slice(0, 15).join("\n"));
    assert.ok(messages.some((m) => /is baking for 10 minutes; the tasks of deployment ecs-svc\/\d+ keep running until then/.test(m)));
    const finished = await newestDeployment();
    assert.deepEqual([finished.status, finished.lifecycleStage], ["SUCCESSFUL", "CLEAN_UP"]);
    const revision = (await cluster.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [finished.targetServiceRevision!.arn!] }))).serviceRevisions![0]!;
    assert.deepEqual(revision.resolvedConfiguration?.loadBalancers, [{ targetGroupArn: greenTg, productionListenerRule: prodRule }]);
    console.log(`rollback: production answered v1 again ${rollbackMs} ms after StopServiceDeployment`);
  });

  it("back to rolling updates only where production traffic is: the group the last deployment moved it to", async () => {
    // Production is on the alternate group (bg-green) since the last deployment.
    await assert.rejects(
      cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "web", deploymentConfiguration: { strategy: "ROLLING" } })),
      (e: Error) => e.name === "InvalidParameterException" && e.message.includes(`Production traffic is on target group ${greenTg}, the alternate of ${blueTg}`),
    );
    await cluster.ecs.send(
      new UpdateServiceCommand({
        cluster: cluster.name,
        service: "web",
        taskDefinition: "bg:1",
        loadBalancers: [{ targetGroupArn: greenTg, containerName: "web", containerPort: 80 }],
        deploymentConfiguration: { strategy: "ROLLING" },
      }),
    );
    const client = steadyClient(prodPort);
    await completed(1);
    await until("v1 answering in production", async () => ((await answer(prodPort)) === "v1" ? true : undefined), { timeoutMs: 10_000 });
    const outcome = await client.stop();
    assert.deepEqual(outcome.failures, [], `${outcome.failures.length} of ${outcome.ok + outcome.failures.length} requests failed`);
  });
});
