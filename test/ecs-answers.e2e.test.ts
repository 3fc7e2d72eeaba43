import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  UpdateClusterCommand,
  type ContainerInstance,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";

const registered = (ci: ContainerInstance | undefined, name: string) => ci?.registeredResources?.find((r) => r.name === name);
const identity = (instanceType: string, instanceId = `i-${instanceType.replace(/\W/g, "")}`) => JSON.stringify({ instanceId, instanceType, region: "us-east-1" });

describe("RegisterContainerInstance without totalResources: the instance type's resources", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: "typed" }));
  });
  after(() => server.stop());

  it("derives CPU and MEMORY from the identity document's instance type, as an ECS agent on it registers", async () => {
    const out = await ecs.send(new RegisterContainerInstanceCommand({ cluster: "typed", instanceIdentityDocument: identity("m4.large", "i-0abc") }));
    const ci = out.containerInstance;
    assert.equal(ci?.ec2InstanceId, "i-0abc");
    assert.equal(registered(ci, "CPU")?.integerValue, 2048);
    assert.equal(registered(ci, "MEMORY")?.integerValue, 7985, "ECS's m4.large registers 7,985 of its 8,192 MiB");
    assert.equal(ci?.remainingResources?.find((r) => r.name === "MEMORY")?.integerValue, 7985);
  });

  it("takes what the call gives and derives only what it leaves out (AWS CLI)", async () => {
    const r = await server.aws(
      "ecs", "register-container-instance", "--cluster", "typed",
      "--instance-identity-document", identity("c5.xlarge"),
      "--total-resources", JSON.stringify([{ name: "MEMORY", type: "INTEGER", integerValue: 3000 }, { name: "PORTS", type: "STRINGSET", stringSetValue: ["22"] }]),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"name": "CPU",\s+"type": "INTEGER",\s+"doubleValue": 0,\s+"longValue": 0,\s+"integerValue": 4096/);
    assert.match(r.stdout, /"name": "MEMORY",\s+"type": "INTEGER",\s+"doubleValue": 0,\s+"longValue": 0,\s+"integerValue": 3000/);
    const given = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: "typed",
        instanceIdentityDocument: identity("t3.micro"),
        totalResources: [{ name: "CPU", type: "INTEGER", integerValue: 512 }, { name: "MEMORY", type: "INTEGER", integerValue: 256 }],
      }),
    );
    assert.deepEqual([registered(given.containerInstance, "CPU")?.integerValue, registered(given.containerInstance, "MEMORY")?.integerValue], [512, 256]);
  });

  it("refuses a type it does not know, or no type at all, with ClientException, and registers nothing", async () => {
    const before = (await ecs.send(new ListContainerInstancesCommand({ cluster: "typed" }))).containerInstanceArns ?? [];
    const unknown = await refusal(ecs.send(new RegisterContainerInstanceCommand({ cluster: "typed", instanceIdentityDocument: identity("z9.mega") })));
    assert.equal(unknown.name, "ClientException");
    assert.match(unknown.message, /instance type 'z9\.mega': give CPU and MEMORY in totalResources/);
    const none = await refusal(ecs.send(new RegisterContainerInstanceCommand({ cluster: "typed" })));
    assert.equal(none.name, "ClientException");
    assert.match(none.message, /totalResources must include CPU and MEMORY, or instanceIdentityDocument must name the instanceType/);
    assert.deepEqual((await ecs.send(new ListContainerInstancesCommand({ cluster: "typed" }))).containerInstanceArns, before);
  });
});

describe("ECS's answers", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let account = "";
  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    const created = await ecs.send(new CreateClusterCommand({ clusterName: "answers" }));
    account = created.cluster?.clusterArn?.split(":")[4] ?? "";
  });
  after(() => server.stop());

  it("DescribeTasks and DescribeContainerInstances with an empty list: InvalidParameterException, after the cluster check", async () => {
    const tasks = await refusal(ecs.send(new DescribeTasksCommand({ cluster: "answers", tasks: [] })));
    assert.deepEqual([tasks.name, tasks.status, tasks.message], ["InvalidParameterException", 400, "Tasks cannot be empty."]);
    const instances = await refusal(ecs.send(new DescribeContainerInstancesCommand({ cluster: "answers", containerInstances: [] })));
    assert.deepEqual([instances.name, instances.message], ["InvalidParameterException", "Container Instances cannot be empty."]);
    assert.equal((await refusal(ecs.send(new DescribeTasksCommand({ cluster: "nowhere", tasks: [] })))).name, "ClusterNotFoundException");
    assert.equal((await refusal(ecs.send(new DescribeContainerInstancesCommand({ cluster: "nowhere", containerInstances: [] })))).name, "ClusterNotFoundException");
    const cli = await server.aws("ecs", "describe-tasks", "--cluster", "answers", "--tasks");
    assert.notEqual(cli.code, 0);
  });

  it("a launch type ECS does not know is refused as ECS refuses it; one it knows but Berth lacks says so", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "berth-test", memory: 64 }] }));
    const bogus = await refusal(ecs.send(new CreateServiceCommand({ cluster: "answers", serviceName: "s", taskDefinition: "web", desiredCount: 0, launchType: "BOGUS" as "EC2" })));
    assert.deepEqual([bogus.name, bogus.message], ["InvalidParameterException", "launch type should be one of [EC2,FARGATE,EXTERNAL,MANAGED_INSTANCES]"]);
    const listed = await refusal(ecs.send(new ListServicesCommand({ cluster: "answers", launchType: "SPOT" as "EC2" })));
    assert.deepEqual([listed.name, listed.message], ["InvalidParameterException", "launch type should be one of [EC2,FARGATE,EXTERNAL,MANAGED_INSTANCES]"]);
    const managed = await refusal(ecs.send(new CreateServiceCommand({ cluster: "answers", serviceName: "s", taskDefinition: "web", desiredCount: 0, launchType: "MANAGED_INSTANCES" })));
    assert.match(managed.message, /launchType MANAGED_INSTANCES is not available yet/);
    assert.deepEqual((await ecs.send(new ListServicesCommand({ cluster: "answers", launchType: "EXTERNAL" }))).serviceArns, []);
  });

  it("ListTaskDefinitions' familyPrefix is the whole family name", async () => {
    for (const family of ["api", "api-admin", "api"]) {
      await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: "c", image: "berth-test", memory: 64 }] }));
    }
    const api = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "api" }));
    assert.deepEqual(api.taskDefinitionArns?.map((a) => a.split("/")[1]), ["api:1", "api:2"]);
    assert.deepEqual((await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "ap" }))).taskDefinitionArns, []);
    const cli = await server.aws("ecs", "list-task-definitions", "--family-prefix", "api-admin");
    assert.match(cli.stdout, /task-definition\/api-admin:1"/);
    assert.doesNotMatch(cli.stdout, /task-definition\/api:/);
  });

  it("DescribeClusters names a missing cluster by its full ARN", async () => {
    const out = await ecs.send(new DescribeClustersCommand({ clusters: ["ghost", `arn:aws:ecs:us-east-1:${account}:cluster/phantom`] }));
    assert.deepEqual(out.failures, [
      { arn: `arn:aws:ecs:us-east-1:${account}:cluster/ghost`, reason: "MISSING" },
      { arn: `arn:aws:ecs:us-east-1:${account}:cluster/phantom`, reason: "MISSING" },
    ]);
  });

  it("DeleteTaskDefinitions' failures carry ECS's sentences", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "old", containerDefinitions: [{ name: "c", image: "berth-test", memory: 64 }] }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "old", containerDefinitions: [{ name: "c", image: "berth-test", memory: 64 }] }));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "old:1" }));
    const out = await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ["old:1", "old:2", "old:9", "old"] }));
    assert.deepEqual(out.taskDefinitions?.map((t) => [t.revision, t.status]), [[1, "DELETE_IN_PROGRESS"]]);
    assert.deepEqual(out.failures, [
      { arn: "old:2", reason: "The specified task definition is still in ACTIVE status. Please deregister the target and try again." },
      { arn: "old:9", reason: "The specified task definition does not exist. Specify a valid account, family, revision and try again." },
      { arn: "old", reason: "The specified task definition identifier is invalid. Specify a valid name or ARN and try again." },
    ]);
  });

  it("fills a task definition's defaults as ECS does, and no networkMode it was not given (the AWS CLI's own sleep360 example)", async () => {
    const r = await server.aws(
      "ecs", "register-task-definition", "--family", "sleep360",
      "--container-definitions", JSON.stringify([{ name: "sleep", image: "busybox", cpu: 10, command: ["sleep", "360"], memory: 10, essential: true }]),
    );
    assert.equal(r.code, 0, r.stderr);
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "sleep360" }))).taskDefinition;
    assert.deepEqual([td?.volumes, td?.placementConstraints, td?.compatibilities, td?.status], [[], [], ["EC2"], "ACTIVE"]);
    const c = td?.containerDefinitions?.[0];
    assert.deepEqual([c?.portMappings, c?.environment, c?.mountPoints, c?.volumesFrom], [[], [], [], []]);
    assert.equal(td?.networkMode, undefined, "ECS's example answer has no networkMode for a definition registered without one");
    const bridged = await ecs.send(new RegisterTaskDefinitionCommand({ family: "bridged", networkMode: "bridge", containerDefinitions: [{ name: "c", image: "busybox", memory: 10 }] }));
    assert.equal(bridged.taskDefinition?.networkMode, "bridge");
  });

  it("echoes what ECS stores: a service's roleArn, a cluster's serviceConnectDefaults", async () => {
    const created = await ecs.send(new CreateServiceCommand({ cluster: "answers", serviceName: "with-role", taskDefinition: "web", desiredCount: 0, role: "ecsServiceRole" }));
    assert.equal(created.service?.roleArn, `arn:aws:iam::${account}:role/ecsServiceRole`);
    const described = await ecs.send(new DescribeServicesCommand({ cluster: "answers", services: ["with-role"] }));
    assert.equal(described.services?.[0]?.roleArn, `arn:aws:iam::${account}:role/ecsServiceRole`);
    const cluster = await ecs.send(new CreateClusterCommand({ clusterName: "connected", serviceConnectDefaults: { namespace: "internal" } }));
    assert.deepEqual(cluster.cluster?.serviceConnectDefaults, { namespace: "internal" });
    const updated = await ecs.send(new UpdateClusterCommand({ cluster: "connected", serviceConnectDefaults: { namespace: "other" } }));
    assert.deepEqual(updated.cluster?.serviceConnectDefaults, { namespace: "other" });
    const again = await ecs.send(new DescribeClustersCommand({ clusters: ["connected"] }));
    assert.deepEqual(again.clusters?.[0]?.serviceConnectDefaults, { namespace: "other" });
  });
});
