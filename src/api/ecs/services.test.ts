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
    // Express services are the only ones ECS manages: Berth has none.
    assert.deepEqual((await ecs.send<ListServicesResponse>("ListServices", { cluster: "svc", resourceManagementType: "CUSTOMER" })).serviceArns, [serviceArn("web")]);
    assert.deepEqual((await ecs.send<ListServicesResponse>("ListServices", { cluster: "svc", resourceManagementType: "ECS" })).serviceArns, []);
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

  it("availabilityZoneRebalancing: ENABLED by default for a new service that spreads, DISABLED for one that binpacks; kept by updates until asked otherwise", async () => {
    const spread = await ecs.send<CreateServiceResponse>("CreateService", { cluster: "svc", serviceName: "spread", taskDefinition: "api:1", desiredCount: 1 });
    assert.equal(spread.service?.availabilityZoneRebalancing, "ENABLED");
    const packed = await ecs.send<CreateServiceResponse>("CreateService", { cluster: "svc", serviceName: "packed", taskDefinition: "api:1", desiredCount: 1, placementStrategy: [{ type: "binpack", field: "cpu" }] });
    assert.equal(packed.service?.availabilityZoneRebalancing, "DISABLED");
    assert.equal((await ecs.send<UpdateServiceResponse>("UpdateService", { cluster: "svc", service: "spread", desiredCount: 2 })).service?.availabilityZoneRebalancing, "ENABLED");
    assert.equal((await ecs.send<UpdateServiceResponse>("UpdateService", { cluster: "svc", service: "spread", availabilityZoneRebalancing: "DISABLED" })).service?.availabilityZoneRebalancing, "DISABLED");
    const described = await ecs.send<DescribeServicesResponse>("DescribeServices", { cluster: "svc", services: ["spread"] });
    assert.equal(described.services?.[0]?.availabilityZoneRebalancing, "DISABLED");
  });

  it("takes early success criteria for a rolling update and shows them", async () => {
    await ecs.send("CreateService", { cluster: "svc", serviceName: "early", taskDefinition: "api:1", desiredCount: 4 });
    const earlySuccessCriteria = { enable: true, healthyPercent: 75, sourceServiceRevisionCleanup: "DEFERRED" };
    const updated = await ecs.send<UpdateServiceResponse>("UpdateService", { cluster: "svc", service: "early", deploymentConfiguration: { minimumHealthyPercent: 50, earlySuccessCriteria } });
    assert.deepEqual(updated.service?.deploymentConfiguration?.earlySuccessCriteria, earlySuccessCriteria);
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

  it("keeps deployment alarms and the circuit breaker's threshold and reset, and shows them", async () => {
    const deploymentConfiguration = {
      deploymentCircuitBreaker: { enable: true, rollback: true, resetOnHealthyTask: false, thresholdConfiguration: { type: "COUNT", value: 2 } },
      alarms: { alarmNames: ["errors", "errors", "latency"], enable: true, rollback: true },
    };
    await ecs.send("CreateService", { cluster: "svc", serviceName: "watched", taskDefinition: "api:1", desiredCount: 1, deploymentConfiguration });
    const shown = (await ecs.send<DescribeServicesResponse>("DescribeServices", { cluster: "svc", services: ["watched"] })).services?.[0]?.deploymentConfiguration;
    assert.deepEqual(shown?.deploymentCircuitBreaker, deploymentConfiguration.deploymentCircuitBreaker);
    assert.deepEqual(shown?.alarms, { alarmNames: ["errors", "latency"], enable: true, rollback: true });
    const updated = await ecs.send<UpdateServiceResponse>("UpdateService", { cluster: "svc", service: "watched", deploymentConfiguration: { minimumHealthyPercent: 50 } });
    assert.deepEqual(updated.service?.deploymentConfiguration?.alarms, { alarmNames: ["errors", "latency"], enable: true, rollback: true }, "an update without alarms keeps them");
  });

  const refusals: Refusal[] = [
    { what: "a second service of the same name", op: "CreateService", input: { cluster: "svc", serviceName: "web", taskDefinition: "api", desiredCount: 1 }, type: "InvalidParameterException", message: /not idempotent/ },
    { what: "a REPLICA service without desiredCount", op: "CreateService", input: { cluster: "svc", serviceName: "countless", taskDefinition: "api" }, type: "InvalidParameterException", message: /desiredCount is required/ },
    { what: "a service name with a dot", op: "CreateService", input: { cluster: "svc", serviceName: "a.b", taskDefinition: "api", desiredCount: 1 }, type: "InvalidParameterException", message: /serviceName may hold/ },
    { what: "a service in a cluster that does not exist", op: "CreateService", input: { cluster: "ghost", serviceName: "x", taskDefinition: "api", desiredCount: 1 }, type: "ClusterNotFoundException", message: /^Cluster not found\.$/ },
    { what: "updating a service that does not exist", op: "UpdateService", input: { cluster: "svc", service: "ghost", desiredCount: 1 }, type: "ServiceNotFoundException", message: /^Service not found\.$/ },
    { what: "deleting a service that does not exist", op: "DeleteService", input: { cluster: "svc", service: "ghost" }, type: "ServiceNotFoundException", message: /^Service not found\.$/ },
    {
      what: "a deployment strategy ECS does not have",
      op: "CreateService",
      input: { cluster: "svc", serviceName: "bg", taskDefinition: "api", desiredCount: 1, deploymentConfiguration: { strategy: "SIDEWAYS" } },
      type: "InvalidParameterException",
      message: /strategy must be ROLLING, BLUE_GREEN, LINEAR or CANARY; got 'SIDEWAYS'/,
    },
    {
      what: "a linear step below 3 %",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { strategy: "LINEAR", linearConfiguration: { stepPercent: 2.5 } } },
      type: "InvalidParameterException",
      message: /linearConfiguration.stepPercent must be a multiple of 0.1 from 3.0 to 100.0; got 2.5/,
    },
    {
      what: "a canary share finer than a tenth of a percent",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { strategy: "CANARY", canaryConfiguration: { canaryPercent: 1.25 } } },
      type: "InvalidParameterException",
      message: /canaryConfiguration.canaryPercent must be a multiple of 0.1 from 0.1 to 100.0; got 1.25/,
    },
    {
      what: "a canary configuration on a linear deployment",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { strategy: "LINEAR", canaryConfiguration: { canaryPercent: 10 } } },
      type: "InvalidParameterException",
      message: /canaryConfiguration belongs to the CANARY strategy/,
    },
    {
      what: "an availabilityZoneRebalancing that is neither ENABLED nor DISABLED",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", availabilityZoneRebalancing: "SOMETIMES" },
      type: "InvalidParameterException",
      message: /availabilityZoneRebalancing must be ENABLED or DISABLED; got 'SOMETIMES'/,
    },
    {
      what: "AZ rebalancing asked of a service that binpacks",
      op: "CreateService",
      input: { cluster: "svc", serviceName: "packed-az", taskDefinition: "api", desiredCount: 1, placementStrategy: [{ type: "binpack", field: "memory" }], availabilityZoneRebalancing: "ENABLED" },
      type: "InvalidParameterException",
      message: /availabilityZoneRebalancing ENABLED needs a REPLICA service .* does not binpack/,
    },
    {
      what: "gateway connectors (ECS gateways are not there)",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", gatewayConnectors: [{ gatewayArn: "arn:aws:ecs:us-east-1:123456789012:gateway/g", portName: "web" }] },
      type: "InvalidParameterException",
      message: /gatewayConnectors attach a service to an ECS gateway/,
    },
    {
      what: "a blue/green DAEMON service",
      op: "CreateService",
      input: { cluster: "svc", serviceName: "bg", taskDefinition: "api", schedulingStrategy: "DAEMON", deploymentConfiguration: { strategy: "BLUE_GREEN", maximumPercent: 100, minimumHealthyPercent: 0 } },
      type: "InvalidParameterException",
      message: /BLUE_GREEN deployment strategy works with REPLICA services/,
    },
    {
      what: "a bake time beyond a day",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: 1441 } },
      type: "InvalidParameterException",
      message: /bakeTimeInMinutes must be a whole number of minutes from 0 to 1440; got 1441/,
    },
    {
      what: "deployment lifecycle hooks (they need AWS Lambda)",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { lifecycleHooks: [{ hookTargetArn: "arn:aws:lambda:us-east-1:123456789012:function:gate", roleArn: "arn:aws:iam::123456789012:role/r", lifecycleStages: ["PRE_SCALE_UP"] }] } },
      type: "InvalidParameterException",
      message: /lifecycle hooks run AWS Lambda functions/,
    },
    {
      what: "a bake time on a rolling update (it belongs to BLUE_GREEN, LINEAR and CANARY)",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { bakeTimeInMinutes: 5 } },
      type: "InvalidParameterException",
      message: /bakeTimeInMinutes belongs to BLUE_GREEN, LINEAR and CANARY deployments/,
    },
    {
      what: "early success criteria without a cleanup",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { earlySuccessCriteria: { enable: true, healthyPercent: 100 } } },
      type: "InvalidParameterException",
      message: /sourceServiceRevisionCleanup must be BLOCKING or DEFERRED; got 'none'/,
    },
    {
      what: "early success below minimumHealthyPercent",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { earlySuccessCriteria: { enable: true, healthyPercent: 50, sourceServiceRevisionCleanup: "DEFERRED" } } },
      type: "InvalidParameterException",
      message: /healthyPercent must be a whole number from minimumHealthyPercent \(100\) to 100; got 50/,
    },
    {
      what: "deployment alarms enabled without an alarm",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { alarms: { alarmNames: [], enable: true, rollback: true } } },
      type: "InvalidParameterException",
      message: /must name at least one CloudWatch alarm/,
    },
    {
      what: "deployment alarms on an EXTERNAL service",
      op: "CreateService",
      input: { cluster: "svc", serviceName: "ext", desiredCount: 1, deploymentController: { type: "EXTERNAL" }, deploymentConfiguration: { alarms: { alarmNames: ["a"], enable: true, rollback: false } } },
      type: "InvalidParameterException",
      message: /only with the ECS deployment controller/,
    },
    {
      what: "a circuit breaker threshold of 0",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true, thresholdConfiguration: { type: "COUNT", value: 0 } } } },
      type: "InvalidParameterException",
      message: /thresholdConfiguration.value must be a whole number from 1 to 5000 for COUNT; got 0/,
    },
    {
      what: "Service Connect (not offered yet)",
      op: "CreateService",
      input: { cluster: "svc", serviceName: "sc", taskDefinition: "api", desiredCount: 1, serviceConnectConfiguration: { enabled: true, namespace: "ns" } },
      type: "InvalidParameterException",
      message: /no Service Connect yet/,
    },
    {
      what: "Amazon EBS volume configurations",
      op: "UpdateService",
      input: { cluster: "svc", service: "web", volumeConfigurations: [{ name: "data", managedEBSVolume: { roleArn: "arn:aws:iam::123456789012:role/r", sizeInGiB: 10 } }] },
      type: "InvalidParameterException",
      message: /Amazon EBS volumes, which Berth does not have/,
    },
    {
      what: "Amazon EBS volume configurations for a standalone task",
      op: "RunTask",
      input: { cluster: "svc", taskDefinition: "api", volumeConfigurations: [{ name: "data", managedEBSVolume: { roleArn: "arn:aws:iam::123456789012:role/r", sizeInGiB: 10 } }] },
      type: "InvalidParameterException",
      message: /Amazon EBS volumes, which Berth does not have/,
    },
    { what: "describing no services", op: "DescribeServices", input: { cluster: "svc", services: [] }, type: "InvalidParameterException", message: /services must name 1 to 10/ },
  ];
  itRefuses(() => ecs, refusals);
});
