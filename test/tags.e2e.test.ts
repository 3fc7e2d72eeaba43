import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateServiceCommand,
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type ECSClient,
  type Tag,
} from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";

/** Tags on services, tasks and container instances against a real server, through the SDK v3 and the AWS CLI. */
describe("tags on every taggable resource (SDK and CLI, real server)", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let agents: SimulatedAgent[] = [];
  let serviceArn = "";
  let taskArn = "";
  let instanceArn = "";

  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: "tags" }));
    agents = await startSimulatedAgents(server, "tags", [{ cpu: 2048, memory: 4096 }]);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "tags-app", containerDefinitions: [{ name: "app", image: "berth-test", memory: 64, essential: true }] }));
    const service = await ecs.send(
      new CreateServiceCommand({ cluster: "tags", serviceName: "web", taskDefinition: "tags-app", desiredCount: 0, tags: [{ key: "tier", value: "web" }] }),
    );
    serviceArn = service.service?.serviceArn ?? "";
    const run = await ecs.send(new RunTaskCommand({ cluster: "tags", taskDefinition: "tags-app", tags: [{ key: "job", value: "once" }], enableECSManagedTags: true }));
    taskArn = run.tasks?.[0]?.taskArn ?? "";
    instanceArn = (await ecs.send(new ListContainerInstancesCommand({ cluster: "tags" }))).containerInstanceArns?.[0] ?? "";
  });
  after(async () => {
    for (const a of agents) a.stop();
    await server.stop();
  });

  const tagsOf = async (resourceArn: string): Promise<Tag[]> => (await ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags ?? [];

  it("the SDK tags and untags a service, a task and a container instance by ARN", async () => {
    for (const arn of [serviceArn, taskArn, instanceArn]) {
      const before = await tagsOf(arn);
      await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "owner", value: "team-a" }] }));
      assert.deepEqual((await tagsOf(arn)).find((t) => t.key === "owner"), { key: "owner", value: "team-a" }, arn);
      await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["owner"] }));
      assert.deepEqual(await tagsOf(arn), before, arn);
    }
    assert.deepEqual(await tagsOf(taskArn), [
      { key: "job", value: "once" },
      { key: "aws:ecs:clusterName", value: "tags" },
    ]);
  });

  it("the CLI tags a service, and describe-services/-tasks/-container-instances --include TAGS show the tags", async () => {
    const tagged = await server.aws("ecs", "tag-resource", "--resource-arn", serviceArn, "--tags", "key=env,value=prod");
    assert.equal(tagged.code, 0, tagged.stderr);
    const listed = JSON.parse((await server.aws("ecs", "list-tags-for-resource", "--resource-arn", serviceArn)).stdout) as { tags: Tag[] };
    assert.deepEqual(listed.tags, [
      { key: "tier", value: "web" },
      { key: "env", value: "prod" },
    ]);
    const described = await ecs.send(new DescribeServicesCommand({ cluster: "tags", services: ["web"], include: ["TAGS"] }));
    assert.deepEqual(described.services?.[0]?.tags, listed.tags);
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: "tags", tasks: [taskArn], include: ["TAGS"] }));
    assert.ok(tasks.tasks?.[0]?.tags?.some((t) => t.key === "job"));
    await ecs.send(new TagResourceCommand({ resourceArn: instanceArn, tags: [{ key: "rack", value: "r7" }] }));
    const instances = await ecs.send(new DescribeContainerInstancesCommand({ cluster: "tags", containerInstances: [instanceArn], include: ["TAGS"] }));
    assert.deepEqual(instances.containerInstances?.[0]?.tags, [{ key: "rack", value: "r7" }]);
  });

  it("a missing service is ServiceNotFoundException (CLI), a missing task ResourceNotFoundException (SDK), and nothing changes", async () => {
    const cli = await server.aws("ecs", "tag-resource", "--resource-arn", serviceArn.replace("/web", "/ghost"), "--tags", "key=a,value=b");
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /ServiceNotFoundException/);
    const sdk = await refusal(ecs.send(new TagResourceCommand({ resourceArn: `${taskArn.slice(0, -8)}00000000`, tags: [{ key: "a", value: "b" }] })));
    assert.deepEqual([sdk.name, sdk.status], ["ResourceNotFoundException", 400]);
    const reserved = await refusal(ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key: "aws:mine", value: "b" }] })));
    assert.equal(reserved.name, "InvalidParameterException");
    assert.ok(!(await tagsOf(serviceArn)).some((t) => t.key === "aws:mine"));
  });
});
