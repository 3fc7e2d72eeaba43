import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type CapacityProvider,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";

/**
 * Capacity providers against a real `berth server` with SIMULATED agents, through the AWS SDK v3
 * and the AWS CLI: Auto Scaling group providers stored and described, a cluster's providers and
 * default strategy, RunTask and a service placing through a strategy, Fargate refused.
 */
describe("capacity providers (SDK and CLI, real server)", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let agents: SimulatedAgent[] = [];
  const group = (name: string) => `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0c1d2e3f-aaaa-bbbb-cccc-0123456789ab:autoScalingGroupName/${name}`;

  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    for (const name of ["spot-like", "on-demand"]) {
      await ecs.send(new CreateCapacityProviderCommand({ name, autoScalingGroupProvider: { autoScalingGroupArn: group(name) } }));
    }
    await ecs.send(
      new CreateClusterCommand({
        clusterName: "cp",
        capacityProviders: ["on-demand", "spot-like", "FARGATE"],
        defaultCapacityProviderStrategy: [
          { capacityProvider: "on-demand", base: 1, weight: 1 },
          { capacityProvider: "spot-like", weight: 3 },
        ],
      }),
    );
    agents = await startSimulatedAgents(server, "cp", [
      { cpu: 4096, memory: 8192 },
      { cpu: 4096, memory: 8192 },
    ]);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "cp-app", containerDefinitions: [{ name: "app", image: "berth-test", memory: 64, essential: true }] }));
  });
  after(async () => {
    for (const a of agents) a.stop();
    await server.stop();
  });

  it("the CLI creates, describes, updates and deletes a provider, with ECS's fields", async () => {
    const created = await server.aws("ecs", "create-capacity-provider", "--name", "cli-cp", "--auto-scaling-group-provider", `autoScalingGroupArn=${group("cli-cp")},managedScaling={status=ENABLED,targetCapacity=90}`);
    assert.equal(created.code, 0, created.stderr);
    const provider = cliProvider(created.stdout);
    assert.match(provider.capacityProviderArn ?? "", /^arn:aws:ecs:us-east-1:\d{12}:capacity-provider\/cli-cp$/);
    assert.deepEqual([provider.status, provider.autoScalingGroupProvider?.managedScaling?.targetCapacity, provider.autoScalingGroupProvider?.managedTerminationProtection], ["ACTIVE", 90, "DISABLED"]);

    const listed = JSON.parse((await server.aws("ecs", "describe-capacity-providers")).stdout) as { capacityProviders: CapacityProvider[] };
    const all = listed.capacityProviders.map((p) => p.name ?? "");
    assert.deepEqual(all.slice(0, 2), ["FARGATE", "FARGATE_SPOT"]);
    assert.ok(all.includes("cli-cp") && all.includes("on-demand"), all.join());

    const updated = await server.aws("ecs", "update-capacity-provider", "--name", "cli-cp", "--auto-scaling-group-provider", "managedScaling={status=DISABLED}");
    assert.equal(cliProvider(updated.stdout).updateStatus, "UPDATE_COMPLETE", updated.stderr);
    const deleted = await server.aws("ecs", "delete-capacity-provider", "--capacity-provider", "cli-cp");
    assert.equal(cliProvider(deleted.stdout).status, "INACTIVE", deleted.stderr);

    const bad = await server.aws("ecs", "create-capacity-provider", "--name", "ecs-reserved", "--auto-scaling-group-provider", `autoScalingGroupArn=${group("x")}`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /ClientException.*The specified capacity provider name is invalid/);
  });

  it("the cluster shows its providers and default strategy (SDK)", async () => {
    const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: ["cp"] }))).clusters?.[0];
    assert.deepEqual(cluster?.capacityProviders, ["on-demand", "spot-like", "FARGATE"]);
    assert.deepEqual(cluster?.defaultCapacityProviderStrategy, [
      { capacityProvider: "on-demand", base: 1, weight: 1 },
      { capacityProvider: "spot-like", weight: 3, base: 0 },
    ]);
  });

  it("RunTask with the cluster's default strategy places on the instances, base first then 1:3", async () => {
    const out = await ecs.send(new RunTaskCommand({ cluster: "cp", taskDefinition: "cp-app", count: 5 }));
    assert.deepEqual(out.failures, []);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: "cp", tasks: (out.tasks ?? []).map((t) => t.taskArn ?? "") }));
    const byProvider = (described.tasks ?? []).map((t) => t.capacityProviderName).sort();
    assert.deepEqual(byProvider, ["on-demand", "on-demand", "spot-like", "spot-like", "spot-like"]);
    assert.ok((described.tasks ?? []).every((t) => t.containerInstanceArn?.includes(":container-instance/cp/")));
  });

  it("a service through the strategy: its tasks carry their providers", async () => {
    await ecs.send(new CreateServiceCommand({ cluster: "cp", serviceName: "cp-svc", taskDefinition: "cp-app", desiredCount: 4 }));
    const tasks = await until("4 service tasks", async () => {
      const arns = (await ecs.send(new ListTasksCommand({ cluster: "cp", serviceName: "cp-svc" }))).taskArns ?? [];
      if (arns.length < 4) return undefined;
      return (await ecs.send(new DescribeTasksCommand({ cluster: "cp", tasks: arns }))).tasks;
    });
    const counts = new Map<string, number>();
    for (const t of tasks) counts.set(t.capacityProviderName ?? "none", (counts.get(t.capacityProviderName ?? "none") ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(counts), { "on-demand": 1, "spot-like": 3 }, "base 1 on on-demand, the other 3 shared 1:3");
  });

  it("a strategy naming FARGATE is never run on EC2: a definition Fargate cannot run is refused (CLI and SDK)", async () => {
    const cli = await server.aws("ecs", "run-task", "--cluster", "cp", "--task-definition", "cp-app", "--capacity-provider-strategy", "capacityProvider=FARGATE,weight=1");
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /InvalidParameterException.*Task definition does not support launch_type FARGATE\./);
    const sdk = await refusal(ecs.send(new RunTaskCommand({ cluster: "cp", taskDefinition: "cp-app", launchType: "EC2", capacityProviderStrategy: [{ capacityProvider: "on-demand", weight: 1 }] })));
    assert.equal(sdk.name, "InvalidParameterException");
    assert.equal(sdk.message, "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  });
});

const cliProvider = (stdout: string): CapacityProvider => (JSON.parse(stdout) as { capacityProvider: CapacityProvider }).capacityProvider;
