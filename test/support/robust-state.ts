import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeTasksCommand,
  PutAttributesCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  StartTaskCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { CreateRepositoryCommand, ECRClient, PutLifecyclePolicyCommand } from "@aws-sdk/client-ecr";
import { pino } from "pino";
import { SimulatedAgent } from "../../src/agent/simulated/simulated-agent.js";
import type { AccessKey } from "../../src/auth/credentials-file.js";
import { seedName } from "./bad-api-requests.js";
import { aContainer } from "./fixtures.js";
import { until } from "./until.js";
import { testSdkRetry } from "./sdk-retry.js";


/**
 * The state the robustness runs try to disturb: a cluster with settings and tags, a task definition,
 * a SIMULATED instance running a task, a service, two more instances for hand-made agent sessions,
 * an attribute, and a repository with a lifecycle policy and tags. Every name is `seedName`, which
 * the bad requests use too, so that they reach these resources rather than stop at "not found".
 */
export interface SeededState {
  readonly agent: SimulatedAgent;
  /** Instances with no agent: their sessions are opened by hand. */
  readonly targetInstanceArn: string;
  readonly bystanderInstanceArn: string;
  stop(): void;
}

export async function seedState(endpoint: string, credentials: AccessKey, ecs: ECSClient): Promise<SeededState> {
  const cluster = seedName;
  await ecs.send(
    new CreateClusterCommand({ clusterName: cluster, tags: [{ key: "team", value: "robust" }], settings: [{ name: "containerInsights", value: "enabled" }] }),
  );
  await ecs.send(new RegisterTaskDefinitionCommand({ family: seedName, containerDefinitions: [aContainer()] }));
  const agent = new SimulatedAgent({ endpoint, region: "us-east-1", credentials, cluster, cpu: 4096, memory: 8192, logger: pino({ level: "silent" }), ecs });
  await agent.start();
  const register = async () =>
    (
      await ecs.send(
        new RegisterContainerInstanceCommand({
          cluster,
          totalResources: [
            { name: "CPU", type: "INTEGER", integerValue: 1024 },
            { name: "MEMORY", type: "INTEGER", integerValue: 1024 },
          ],
          attributes: [{ name: "ecs.os-type", value: "linux" }],
        }),
      )
    ).containerInstance?.containerInstanceArn ?? "";
  const targetInstanceArn = await register();
  const bystanderInstanceArn = await register();
  await ecs.send(new PutAttributesCommand({ cluster, attributes: [{ name: "stack", value: "robust", targetId: agent.containerInstanceArn }] }));
  const started = await ecs.send(new StartTaskCommand({ cluster, taskDefinition: seedName, containerInstances: [agent.containerInstanceArn] }));
  const taskArn = started.tasks?.[0]?.taskArn ?? "";
  await until("the seeded task RUNNING", async () => {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    return out.tasks?.[0]?.lastStatus === "RUNNING" ? true : undefined;
  }, { timeoutMs: 10_000, everyMs: 50 });
  await ecs.send(new CreateServiceCommand({ cluster, serviceName: seedName, taskDefinition: seedName, desiredCount: 0 }));

  const ecr = new ECRClient({ endpoint, region: "us-east-1", credentials, ...testSdkRetry });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: seedName, tags: [{ Key: "team", Value: "robust" }] }));
  const rule = { rulePriority: 1, selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 5 }, action: { type: "expire" } };
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: seedName, lifecyclePolicyText: JSON.stringify({ rules: [rule] }) }));
  ecr.destroy();
  return { agent, targetInstanceArn, bystanderInstanceArn, stop: () => agent.stop() };
}
