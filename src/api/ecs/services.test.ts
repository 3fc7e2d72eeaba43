import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CreateServiceResponse, DeleteServiceResponse, DescribeServicesResponse, ListServicesResponse, UpdateServiceResponse } from "@aws-sdk/client-ecs";
import { aContainerDefinition, aTaskDefinition, itRefuses, startInProcessEcs, type InProcessEcs, type Refusal } from "../testing.js";

/**
 * Services through the JSON front door in process. No service runner is started: these specify
 * what the API records (the service, its deployments, its status), not the tasks a runner starts.
 */
let ecs: InProcessEcs;
before(async () => {
  ecs = startInProcessEcs();
  await ecs.send("CreateCluster", { clusterName: "svc" });
  await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "api" }));
  await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "api", containerDefinitions: [aContainerDefinition({ image: "berth-test:2" })] }));
});
after(() => ecs.close());

const tdArn = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/api:${revision}`;
const serviceArn = (name: string) => `arn:aws:ecs:us-east-1:123456789012:service/svc/${name}`;

describe("services", () => {
  it("creates a REPLICA service with one PRIMARY deployment, described and listed", async () => {
    const created = await ecs.send<CreateServiceResponse>("CreateService", { cluster: "svc", serviceName: "web", taskDefinition: "api:1", desiredCount: 2 });
    const s = created.service;
    assert.deepEqual([s?.serviceArn, s?.status, s?.schedulingStrategy, s?.desiredCount, s?.taskDefinition], [serviceArn("web"), "ACTIVE", "REPLICA", 2, tdArn(1)]);
    assert.deepEqual(s?.deployments?.map((d) => [d.status, d.taskDefinition, d.desiredCount]), [["PRIMARY", tdArn(1), 2]]);

    const described = await ecs.send<DescribeServicesResponse>("DescribeServices", { cluster: "svc", services: ["web", "nope"] });
    assert.deepEqual(described.services?.map((x) => x.serviceName), ["web"]);
    assert.deepEqual(described.failures, [{ arn: serviceArn("nope"), reason: "MISSING" }]);
    assert.deepEqual((await ecs.send<ListServicesResponse>("ListServices", { cluster: "svc" })).serviceArns, [serviceArn("web")]);
  });

  it("updates: a new desiredCount keeps the deployment; a new task definition starts a PRIMARY one and keeps the old as ACTIVE", async () => {
    await ecs.send("CreateService", { cluster: "svc", serviceName: "rolling", taskDefinition: "api:1", desiredCount: 1 });
    const scaled = await ecs.send<UpdateServiceResponse>("UpdateService", { cluster: "svc", service: "rolling", desiredCount: 3 });
    assert.equal(scaled.service?.desiredCount, 3);
    assert.equal(scaled.service?.deployments?.length, 1);

    const redeployed = await ecs.send<UpdateServiceResponse>("UpdateService", { cluster: "svc", service: "rolling", taskDefinition: "api:2" });
    assert.equal(redeployed.service?.taskDefinition, tdArn(2));
    assert.deepEqual(redeployed.service?.deployments?.map((d) => [d.status, d.taskDefinition]), [
      ["PRIMARY", tdArn(2)],
      ["ACTIVE", tdArn(1)],
    ]);
  });

  it("deletes: refused while scaled above 0, then DRAINING with force, and no longer listed", async () => {
    await ecs.send("CreateService", { cluster: "svc", serviceName: "doomed", taskDefinition: "api", desiredCount: 1 });
    const refused = await ecs.call("DeleteService", { cluster: "svc", service: "doomed" });
    assert.deepEqual([refused.status, refused.body.__type], [400, "InvalidParameterException"]);
    assert.match(String(refused.body.message), /cannot be stopped while it is scaled above 0/);

    const deleted = await ecs.send<DeleteServiceResponse>("DeleteService", { cluster: "svc", service: "doomed", force: true });
    assert.deepEqual([deleted.service?.status, deleted.service?.desiredCount], ["DRAINING", 0]);
    assert.ok(!(await ecs.send<ListServicesResponse>("ListServices", { cluster: "svc" })).serviceArns?.includes(serviceArn("doomed")));

    const again = await ecs.call("UpdateService", { cluster: "svc", service: "doomed", desiredCount: 1 });
    assert.deepEqual([again.status, again.body.__type, again.body.message], [400, "ServiceNotActiveException", "Service was not ACTIVE."]);
  });

  const refusals: Refusal[] = [
    { what: "a second service of the same name", op: "CreateService", input: { cluster: "svc", serviceName: "web", taskDefinition: "api", desiredCount: 1 }, type: "InvalidParameterException", message: /not idempotent/ },
    { what: "a REPLICA service without desiredCount", op: "CreateService", input: { cluster: "svc", serviceName: "countless", taskDefinition: "api" }, type: "InvalidParameterException", message: /desiredCount is required/ },
    { what: "a service name with a dot", op: "CreateService", input: { cluster: "svc", serviceName: "a.b", taskDefinition: "api", desiredCount: 1 }, type: "InvalidParameterException", message: /serviceName may hold/ },
    { what: "a service in a cluster that does not exist", op: "CreateService", input: { cluster: "ghost", serviceName: "x", taskDefinition: "api", desiredCount: 1 }, type: "ClusterNotFoundException", message: /^Cluster not found\.$/ },
    { what: "updating a service that does not exist", op: "UpdateService", input: { cluster: "svc", service: "ghost", desiredCount: 1 }, type: "ServiceNotFoundException", message: /^Service not found\.$/ },
    { what: "deleting a service that does not exist", op: "DeleteService", input: { cluster: "svc", service: "ghost" }, type: "ServiceNotFoundException", message: /^Service not found\.$/ },
    {
      what: "a blue/green deployment strategy (not offered)",
      op: "CreateService",
      input: { cluster: "svc", serviceName: "bg", taskDefinition: "api", desiredCount: 1, deploymentConfiguration: { strategy: "BLUE_GREEN" } },
      type: "InvalidParameterException",
      message: /strategy must be ROLLING .*got 'BLUE_GREEN'/,
    },
    {
      what: "deployment lifecycle hooks (they need AWS Lambda)",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { lifecycleHooks: [{ hookTargetArn: "arn:aws:lambda:us-east-1:123456789012:function:gate", roleArn: "arn:aws:iam::123456789012:role/r", lifecycleStages: ["PRE_SCALE_UP"] }] } },
      type: "InvalidParameterException",
      message: /lifecycle hooks run AWS Lambda functions/,
    },
    { what: "describing no services", op: "DescribeServices", input: { cluster: "svc", services: [] }, type: "InvalidParameterException", message: /services must name 1 to 10/ },
  ];
  itRefuses(() => ecs, refusals);
});
