import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  DescribeTasksCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServiceCommand,
  UpdateTaskSetCommand,
  type ECSClient,
  type TaskSet,
} from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";

/**
 * Task sets of an EXTERNAL service against a real server with SIMULATED agents, through the SDK v3
 * and the AWS CLI: a blue/green switch driven from outside, as an external deployment tool does it.
 */
describe("task sets with the EXTERNAL deployment controller (SDK and CLI, real server)", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let agents: SimulatedAgent[] = [];
  let blue: TaskSet;

  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: "ext" }));
    agents = await startSimulatedAgents(server, "ext", [{ cpu: 4096, memory: 8192 }]);
    for (const family of ["blue", "green"]) {
      await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: "app", image: "berth-test", memory: 64, essential: true }] }));
    }
    const created = await ecs.send(new CreateServiceCommand({ cluster: "ext", serviceName: "web", desiredCount: 2, deploymentController: { type: "EXTERNAL" } }));
    assert.deepEqual([created.service?.deploymentController, created.service?.taskSets, created.service?.deployments], [{ type: "EXTERNAL" }, [], []]);
  });
  after(async () => {
    for (const a of agents) a.stop();
    await server.stop();
  });

  const tasksOf = async (set: TaskSet) => {
    const arns = (await ecs.send(new ListTasksCommand({ cluster: "ext", serviceName: "web" }))).taskArns ?? [];
    if (arns.length === 0) return [];
    const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: "ext", tasks: arns }))).tasks ?? [];
    return tasks.filter((t) => t.startedBy === set.id && t.desiredStatus === "RUNNING");
  };

  it("CreateTaskSet (SDK) runs the set's tasks through the scheduler and reaches STEADY_STATE", async () => {
    const out = await ecs.send(new CreateTaskSetCommand({ cluster: "ext", service: "web", taskDefinition: "blue", externalId: "deploy-1", scale: { value: 100, unit: "PERCENT" }, tags: [{ key: "color", value: "blue" }] }));
    blue = out.taskSet!;
    assert.match(blue.id ?? "", /^ecs-svc\/\d{19}$/);
    assert.match(blue.taskSetArn ?? "", /^arn:aws:ecs:us-east-1:\d{12}:task-set\/ext\/web\/ecs-svc\/\d{19}$/);
    assert.deepEqual([blue.status, blue.computedDesiredCount, blue.externalId, blue.scale], ["ACTIVE", 2, "deploy-1", { value: 100, unit: "PERCENT" }]);
    await until("blue steady", async () => {
      const [set] = (await ecs.send(new DescribeTaskSetsCommand({ cluster: "ext", service: "web", taskSets: [blue.id!] }))).taskSets ?? [];
      return set?.stabilityStatus === "STEADY_STATE" && set.runningCount === 2 ? set : undefined;
    });
    const tasks = await tasksOf(blue);
    assert.equal(tasks.length, 2);
    assert.ok(tasks.every((t) => t.taskDefinitionArn?.endsWith(":task-definition/blue:1") && t.group === "service:web"));
  });

  it("the CLI creates the green set at 50 %, makes it primary, and scales it; the service shows its sets", async () => {
    const created = await server.aws("ecs", "create-task-set", "--cluster", "ext", "--service", "web", "--task-definition", "green", "--scale", "value=50,unit=PERCENT");
    assert.equal(created.code, 0, created.stderr);
    const green = (JSON.parse(created.stdout) as { taskSet: TaskSet }).taskSet;
    assert.equal(green.computedDesiredCount, 1);
    await until("one green task", async () => ((await tasksOf(green)).length === 1 ? true : undefined));

    const primary = await server.aws("ecs", "update-service-primary-task-set", "--cluster", "ext", "--service", "web", "--primary-task-set", green.taskSetArn!);
    assert.equal((JSON.parse(primary.stdout) as { taskSet: TaskSet }).taskSet.status, "PRIMARY", primary.stderr);
    await ecs.send(new UpdateTaskSetCommand({ cluster: "ext", service: "web", taskSet: green.id!, scale: { value: 100, unit: "PERCENT" } }));
    await until("two green tasks", async () => ((await tasksOf(green)).length === 2 ? true : undefined));

    const service = (await ecs.send(new DescribeServicesCommand({ cluster: "ext", services: ["web"] }))).services?.[0];
    assert.deepEqual(
      service?.taskSets?.map((s) => [s.id, s.status]),
      [
        [blue.id, "ACTIVE"],
        [green.id, "PRIMARY"],
      ],
    );
    assert.match(service?.taskDefinition ?? "", /task-definition\/green:1$/, "the service shows its PRIMARY set's task definition");
  });

  it("deleting the blue set needs force while it is scaled up, then stops its tasks and forgets it", async () => {
    const refused = await refusal(ecs.send(new DeleteTaskSetCommand({ cluster: "ext", service: "web", taskSet: blue.id! })));
    assert.deepEqual([refused.name, refused.status], ["InvalidParameterException", 400]);
    const deleted = await ecs.send(new DeleteTaskSetCommand({ cluster: "ext", service: "web", taskSet: blue.taskSetArn!, force: true }));
    assert.equal(deleted.taskSet?.status, "DRAINING");
    // A DRAINING set leaves the listing at once; asked for by id, it is there until its tasks are gone.
    const listed = (await ecs.send(new DescribeTaskSetsCommand({ cluster: "ext", service: "web" }))).taskSets ?? [];
    assert.deepEqual(listed.filter((s) => s.id === blue.id), [], "a DRAINING set is not listed");
    const missing = await until("blue forgotten", async () => {
      const out = await ecs.send(new DescribeTaskSetsCommand({ cluster: "ext", service: "web", taskSets: [blue.id!] }));
      return out.taskSets?.length === 0 ? out : undefined;
    });
    assert.deepEqual(missing.failures, [{ arn: blue.id, reason: "MISSING" }]);
    assert.equal((await tasksOf(blue)).length, 0, "its tasks are stopped before it is forgotten");
  });

  it("an awsvpc task set takes its own networkConfiguration: DescribeTaskSets shows it, its tasks get interfaces in its subnet", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "purple", networkMode: "awsvpc", containerDefinitions: [{ name: "app", image: "berth-test", memory: 64, essential: true }] }));
    // An instance whose agent says it attaches task interfaces, as Berth's real agent does.
    const eniCapable = ["ecs.capability.task-eni", "com.amazonaws.ecs.capability.docker-remote-api.1.18"].map((name) => ({ name }));
    agents.push(...(await startSimulatedAgents(server, "ext", [{ cpu: 4096, memory: 8192, attributes: eniCapable }])));
    const network = { awsvpcConfiguration: { subnets: ["subnet-0purple"], securityGroups: [], assignPublicIp: "DISABLED" as const } };
    const purple = (await ecs.send(new CreateTaskSetCommand({ cluster: "ext", service: "web", taskDefinition: "purple", networkConfiguration: network, scale: { value: 50, unit: "PERCENT" } }))).taskSet!;
    const described = (await ecs.send(new DescribeTaskSetsCommand({ cluster: "ext", service: "web", taskSets: [purple.id!] }))).taskSets?.[0];
    assert.deepEqual(described?.networkConfiguration?.awsvpcConfiguration?.subnets, ["subnet-0purple"]);
    const [task] = await until("a purple task", async () => {
      const tasks = await tasksOf(purple);
      return tasks.length === 1 ? tasks : undefined;
    });
    const eni = task!.attachments?.find((a) => a.type === "ElasticNetworkInterface");
    assert.equal(eni?.details?.find((d) => d.name === "subnetId")?.value, "subnet-0purple", JSON.stringify(task!.attachments));
    await ecs.send(new DeleteTaskSetCommand({ cluster: "ext", service: "web", taskSet: purple.id!, force: true }));
    await until("purple gone", async () => ((await tasksOf(purple)).length === 0 ? true : undefined));
  });

  it("a task set's launch type is its own: a FARGATE set of an EC2 service runs its tasks on the Fargate pool", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "lilac", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512", containerDefinitions: [{ name: "app", image: "berth-test", essential: true }] }));
    const eniCapable = ["ecs.capability.task-eni", "com.amazonaws.ecs.capability.docker-remote-api.1.18"].map((name) => ({ name }));
    agents.push(...(await startSimulatedAgents(server, "berth.fargate-pool", [{ cpu: 4096, memory: 8192, attributes: eniCapable }])));
    const network = { awsvpcConfiguration: { subnets: ["subnet-0lilac"] } };
    const onEc2 = await refusal(ecs.send(new CreateTaskSetCommand({ cluster: "ext", service: "web", taskDefinition: "lilac", networkConfiguration: network })));
    assert.deepEqual([onEc2.name, onEc2.message], ["InvalidParameterException", "Task definition does not support launch_type EC2."]);
    const lilac = (await ecs.send(new CreateTaskSetCommand({ cluster: "ext", service: "web", taskDefinition: "lilac", launchType: "FARGATE", networkConfiguration: network, scale: { value: 50, unit: "PERCENT" } }))).taskSet!;
    assert.deepEqual([lilac.launchType, lilac.platformVersion], ["FARGATE", "1.4.0"]);
    const [task] = await until("a lilac task", async () => {
      const tasks = await tasksOf(lilac);
      return tasks.length === 1 ? tasks : undefined;
    });
    // On the pool, which ECS never shows for a Fargate task: no container instance in the answer.
    assert.deepEqual([task!.launchType, task!.platformVersion, task!.containerInstanceArn], ["FARGATE", "1.4.0", undefined]);
    await ecs.send(new DeleteTaskSetCommand({ cluster: "ext", service: "web", taskSet: lilac.id!, force: true }));
    await until("lilac gone", async () => ((await tasksOf(lilac)).length === 0 ? true : undefined));
  });

  it("task sets take tags by ARN; an unknown set is TaskSetNotFoundException; load balancers are checked; a non-EXTERNAL service is refused", async () => {
    const [green] = (await ecs.send(new DescribeTaskSetsCommand({ cluster: "ext", service: "web" }))).taskSets ?? [];
    await ecs.send(new TagResourceCommand({ resourceArn: green!.taskSetArn!, tags: [{ key: "color", value: "green" }] }));
    assert.deepEqual((await ecs.send(new ListTagsForResourceCommand({ resourceArn: green!.taskSetArn! }))).tags, [{ key: "color", value: "green" }]);

    const unknown = await refusal(ecs.send(new UpdateTaskSetCommand({ cluster: "ext", service: "web", taskSet: "ecs-svc/0000000000000000000", scale: { value: 10, unit: "PERCENT" } })));
    assert.equal(unknown.name, "TaskSetNotFoundException");
    const td = await refusal(ecs.send(new UpdateServiceCommand({ cluster: "ext", service: "web", taskDefinition: "blue" })));
    assert.equal(td.name, "InvalidParameterException");
    assert.match(td.message, /EXTERNAL deployment controller/);

    // Load balancers go on task sets, checked as a service's are; an EXTERNAL controller shifts traffic itself.
    const setsBefore = (await ecs.send(new DescribeTaskSetsCommand({ cluster: "ext", service: "web" }))).taskSets?.length;
    const tg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/none/0123456789abcdef";
    const onService = await refusal(ecs.send(new CreateServiceCommand({ cluster: "ext", serviceName: "ext-lb", desiredCount: 1, deploymentController: { type: "EXTERNAL" }, loadBalancers: [{ targetGroupArn: tg, containerName: "app", containerPort: 80 }] })));
    assert.deepEqual([onService.name, onService.message], ["InvalidParameterException", "Load balancers of a service with the EXTERNAL deployment controller belong on its task sets: give them to CreateTaskSet (loadBalancers)."]);
    const missing = await refusal(ecs.send(new CreateTaskSetCommand({ cluster: "ext", service: "web", taskDefinition: "blue", loadBalancers: [{ targetGroupArn: tg, containerName: "app", containerPort: 80 }] })));
    assert.deepEqual([missing.name, missing.message], ["InvalidParameterException", `The target group with targetGroupArn ${tg} does not exist.`]);
    const advanced = await refusal(
      ecs.send(new CreateTaskSetCommand({ cluster: "ext", service: "web", taskDefinition: "blue", loadBalancers: [{ targetGroupArn: tg, containerName: "app", containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: tg } }] })),
    );
    assert.match(advanced.message, /take no advancedConfiguration/);
    assert.equal((await ecs.send(new DescribeTaskSetsCommand({ cluster: "ext", service: "web" }))).taskSets?.length, setsBefore, "no task set made by a refused call");

    await ecs.send(new CreateServiceCommand({ cluster: "ext", serviceName: "rolling", taskDefinition: "blue", desiredCount: 0 }));
    const noNetwork = await refusal(ecs.send(new CreateTaskSetCommand({ cluster: "ext", service: "web", taskDefinition: "purple" })));
    assert.deepEqual([noNetwork.name, noNetwork.message], ["InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified."]);
    assert.equal((await ecs.send(new DescribeTaskSetsCommand({ cluster: "ext", service: "web" }))).taskSets?.length, setsBefore, "no task set made by a refused call");
    const cli = await server.aws("ecs", "create-task-set", "--cluster", "ext", "--service", "rolling", "--task-definition", "blue");
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /InvalidParameterException.*only supports task set management on services configured to use external deployment controllers/);
  });
});
