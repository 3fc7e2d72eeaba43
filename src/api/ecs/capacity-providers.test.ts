import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type {
  CreateCapacityProviderResponse,
  CreateClusterResponse,
  CreateServiceResponse,
  DeleteCapacityProviderResponse,
  DescribeCapacityProvidersResponse,
  DescribeServicesResponse,
  PutClusterCapacityProvidersResponse,
  RegisterContainerInstanceResponse,
  RunTaskResponse,
  UpdateCapacityProviderResponse,
} from "@aws-sdk/client-ecs";
import { aTaskDefinition, anInstanceRegistration, itRefuses, startInProcessEcs, type InProcessEcs, type Refusal } from "../testing.js";

/** Capacity providers, a cluster's providers and default strategy, and launches through a strategy, in process. */
let ecs: InProcessEcs;
before(() => {
  ecs = startInProcessEcs();
});
after(() => ecs.close());

const group = (name: string) => `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0c1d2e3f-aaaa-bbbb-cccc-0123456789ab:autoScalingGroupName/${name}`;
const providerArn = (name: string) => `arn:aws:ecs:us-east-1:123456789012:capacity-provider/${name}`;

async function aProvider(name: string): Promise<CreateCapacityProviderResponse> {
  return ecs.send<CreateCapacityProviderResponse>("CreateCapacityProvider", { name, autoScalingGroupProvider: { autoScalingGroupArn: group(name) } });
}

async function clusterWithInstances(cluster: string, providers: string[], strategy: object[]): Promise<void> {
  await ecs.send("CreateCluster", { clusterName: cluster, capacityProviders: providers, defaultCapacityProviderStrategy: strategy });
  for (let i = 0; i < 2; i++) {
    const out = await ecs.send<RegisterContainerInstanceResponse>("RegisterContainerInstance", anInstanceRegistration({ cluster, cpu: 4096, memory: 8192 }));
    await ecs.connectAgent(out.containerInstance?.containerInstanceArn ?? "");
  }
}

describe("capacity providers", () => {
  it("creates an Auto Scaling group provider with ECS's defaults filled in, and describes it with its tags", async () => {
    const created = await ecs.send<CreateCapacityProviderResponse>("CreateCapacityProvider", {
      name: "asg-one",
      autoScalingGroupProvider: { autoScalingGroupArn: group("asg-one"), managedScaling: { status: "ENABLED", targetCapacity: 80 } },
      tags: [{ key: "team", value: "core" }],
    });
    assert.deepEqual(created.capacityProvider, {
      capacityProviderArn: providerArn("asg-one"),
      name: "asg-one",
      status: "ACTIVE",
      autoScalingGroupProvider: {
        autoScalingGroupArn: group("asg-one"),
        managedScaling: { status: "ENABLED", targetCapacity: 80, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
        managedTerminationProtection: "DISABLED",
        managedDraining: "ENABLED",
      },
      type: "EC2_AUTOSCALING",
      tags: [{ key: "team", value: "core" }],
    });
    const described = await ecs.send<DescribeCapacityProvidersResponse>("DescribeCapacityProviders", { capacityProviders: ["asg-one", "nope"], include: ["TAGS"] });
    assert.deepEqual(described.capacityProviders?.map((p) => [p.name, p.tags]), [["asg-one", [{ key: "team", value: "core" }]]]);
    assert.deepEqual(described.failures, [{ arn: providerArn("nope"), reason: "MISSING" }]);
  });

  it("lists FARGATE and FARGATE_SPOT first, then the account's own, page by page", async () => {
    await aProvider("listed-b");
    await aProvider("listed-a");
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page: DescribeCapacityProvidersResponse = await ecs.send("DescribeCapacityProviders", { maxResults: 2, nextToken });
      names.push(...(page.capacityProviders ?? []).map((p) => p.name ?? ""));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(names.slice(0, 2), ["FARGATE", "FARGATE_SPOT"]);
    assert.ok(names.indexOf("listed-a") < names.indexOf("listed-b") && names.indexOf("listed-a") > 1, names.join());
  });

  it("updates managed scaling and says UPDATE_COMPLETE", async () => {
    await aProvider("updated");
    const out = await ecs.send<UpdateCapacityProviderResponse>("UpdateCapacityProvider", {
      name: "updated",
      autoScalingGroupProvider: { managedScaling: { status: "ENABLED", targetCapacity: 50 }, managedTerminationProtection: "ENABLED" },
    });
    assert.deepEqual(
      [out.capacityProvider?.updateStatus, out.capacityProvider?.autoScalingGroupProvider?.managedScaling?.targetCapacity, out.capacityProvider?.autoScalingGroupProvider?.managedTerminationProtection],
      ["UPDATE_COMPLETE", 50, "ENABLED"],
    );
  });

  it("is not deleted while a cluster has it (DELETE_FAILED, saying which), then is once the cluster lets it go", async () => {
    await aProvider("held");
    await ecs.send("CreateCluster", { clusterName: "holder", capacityProviders: ["held"], defaultCapacityProviderStrategy: [] });
    const refused = await ecs.send<DeleteCapacityProviderResponse>("DeleteCapacityProvider", { capacityProvider: "held" });
    assert.deepEqual([refused.capacityProvider?.status, refused.capacityProvider?.updateStatus], ["ACTIVE", "DELETE_FAILED"]);
    assert.match(refused.capacityProvider?.updateStatusReason ?? "", /associated with cluster: holder/);
    await ecs.send("PutClusterCapacityProviders", { cluster: "holder", capacityProviders: [], defaultCapacityProviderStrategy: [] });
    const deleted = await ecs.send<DeleteCapacityProviderResponse>("DeleteCapacityProvider", { capacityProvider: providerArn("held") });
    assert.deepEqual([deleted.capacityProvider?.status, deleted.capacityProvider?.updateStatus], ["INACTIVE", "DELETE_COMPLETE"]);
    // The name (and its Auto Scaling group) can be used again.
    assert.equal((await aProvider("held")).capacityProvider?.status, "ACTIVE");
  });

  it("sets a cluster's providers and default strategy, and returns them", async () => {
    await aProvider("cluster-cp");
    const created = await ecs.send<CreateClusterResponse>("CreateCluster", { clusterName: "with-cp" });
    assert.deepEqual([created.cluster?.capacityProviders, created.cluster?.defaultCapacityProviderStrategy], [[], []]);
    const put = await ecs.send<PutClusterCapacityProvidersResponse>("PutClusterCapacityProviders", {
      cluster: "with-cp",
      capacityProviders: ["cluster-cp", "FARGATE"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "cluster-cp", weight: 1, base: 1 }],
    });
    assert.deepEqual(put.cluster?.capacityProviders, ["cluster-cp", "FARGATE"]);
    assert.deepEqual(put.cluster?.defaultCapacityProviderStrategy, [{ capacityProvider: "cluster-cp", weight: 1, base: 1 }]);
  });
});

describe("launches through a capacity provider strategy", () => {
  it("RunTask splits its tasks by base and weight, each task naming its provider", async () => {
    await aProvider("run-a");
    await aProvider("run-b");
    await clusterWithInstances("strategy-run", ["run-a", "run-b"], []);
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "strategy" }));
    const out = await ecs.send<RunTaskResponse>("RunTask", {
      cluster: "strategy-run",
      taskDefinition: "strategy",
      count: 5,
      capacityProviderStrategy: [
        { capacityProvider: "run-a", base: 1, weight: 1 },
        { capacityProvider: "run-b", weight: 3 },
      ],
    });
    const names = (out.tasks ?? []).map((t) => t.capacityProviderName).sort();
    assert.deepEqual(names, ["run-a", "run-a", "run-b", "run-b", "run-b"]);
    assert.ok((out.tasks ?? []).every((t) => t.launchType === "EC2"));
  });

  it("RunTask without a launch type or strategy uses the cluster's default strategy", async () => {
    await aProvider("default-a");
    await clusterWithInstances("strategy-default", ["default-a"], [{ capacityProvider: "default-a", weight: 1 }]);
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "strategy" }));
    const out = await ecs.send<RunTaskResponse>("RunTask", { cluster: "strategy-default", taskDefinition: "strategy" });
    assert.equal(out.tasks?.[0]?.capacityProviderName, "default-a");
    const launchTyped = await ecs.send<RunTaskResponse>("RunTask", { cluster: "strategy-default", taskDefinition: "strategy", launchType: "EC2" });
    assert.equal(launchTyped.tasks?.[0]?.capacityProviderName, undefined, "a launch type overrides the cluster's default strategy");
  });

  it("a service keeps its strategy (shown instead of a launch type) and its tasks take their providers", async () => {
    await aProvider("svc-a");
    await aProvider("svc-b");
    await clusterWithInstances("strategy-svc", ["svc-a", "svc-b"], [{ capacityProvider: "svc-a", weight: 1 }, { capacityProvider: "svc-b", weight: 1 }]);
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "strategy" }));
    const created = await ecs.send<CreateServiceResponse>("CreateService", { cluster: "strategy-svc", serviceName: "web", taskDefinition: "strategy", desiredCount: 4 });
    assert.deepEqual(created.service?.capacityProviderStrategy, [
      { capacityProvider: "svc-a", weight: 1, base: 0 },
      { capacityProvider: "svc-b", weight: 1, base: 0 },
    ]);
    assert.equal(created.service?.launchType, undefined);
    const described = await ecs.send<DescribeServicesResponse>("DescribeServices", { cluster: "strategy-svc", services: ["web"] });
    assert.equal(described.services?.[0]?.capacityProviderStrategy?.length, 2);
    // Removing a provider the service uses is refused.
    const removal = await ecs.call("PutClusterCapacityProviders", { cluster: "strategy-svc", capacityProviders: ["svc-a"], defaultCapacityProviderStrategy: [] });
    assert.deepEqual([removal.status, removal.body.__type], [400, "ResourceInUseException"]);
  });
});

const refusals: Refusal[] = [
  {
    what: "a provider name starting with fargate",
    op: "CreateCapacityProvider",
    input: { name: "fargate-mine", autoScalingGroupProvider: { autoScalingGroupArn: group("x") } },
    type: "ClientException",
    message: /The name cannot be prefixed with "aws", "ecs", or "fargate"/,
  },
  {
    what: "a second provider on the same Auto Scaling group",
    op: "CreateCapacityProvider",
    input: { name: "same-group-2", autoScalingGroupProvider: { autoScalingGroupArn: group("same-group") } },
    type: "ClientException",
    message: /already being used by another capacity provider/,
    setup: () => ecs.send("CreateCapacityProvider", { name: "same-group", autoScalingGroupProvider: { autoScalingGroupArn: group("same-group") } }),
  },
  {
    what: "managed termination protection without managed scaling",
    op: "CreateCapacityProvider",
    input: { name: "protected", autoScalingGroupProvider: { autoScalingGroupArn: group("protected"), managedTerminationProtection: "ENABLED" } },
    type: "ClientException",
    message: /must have managed scaling enabled/,
  },
  {
    what: "a Managed Instances provider",
    op: "CreateCapacityProvider",
    input: { name: "managed", cluster: "default", managedInstancesProvider: { infrastructureRoleArn: "arn:aws:iam::123456789012:role/x", instanceLaunchTemplate: { ec2InstanceProfileArn: "arn:aws:iam::123456789012:instance-profile/x", networkConfiguration: {} } } },
    type: "ClientException",
    message: /Managed Instances capacity providers .* not available in Berth/,
  },
  {
    what: "deleting FARGATE",
    op: "DeleteCapacityProvider",
    input: { capacityProvider: "FARGATE" },
    type: "ClientException",
    message: /built into every account/,
  },
  {
    what: "a cluster provider that does not exist",
    op: "CreateCluster",
    input: { clusterName: "bad-cp", capacityProviders: ["ghost"] },
    type: "InvalidParameterException",
    message: /The specified capacity provider was not found/,
  },
  {
    what: "a default strategy naming a provider not in the cluster's list",
    op: "CreateCluster",
    input: { clusterName: "bad-strategy", capacityProviders: ["FARGATE"], defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] },
    type: "InvalidParameterException",
    message: /cannot contain a capacity provider that is not associated with the cluster/,
  },
  {
    what: "RunTask with both a launch type and a strategy",
    op: "RunTask",
    input: { taskDefinition: "strategy", launchType: "EC2", capacityProviderStrategy: [{ capacityProvider: "x", weight: 1 }] },
    type: "InvalidParameterException",
    message: /^Specifying both a launch type and capacity provider strategy is not supported\. Remove one and try again\.$/,
    setup: async () => {
      await ecs.send("CreateCluster", {});
      await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "strategy" }));
    },
  },
  {
    what: "RunTask with a strategy naming FARGATE for a definition Fargate cannot run (never run on EC2)",
    op: "RunTask",
    input: { cluster: "fargate-cluster", taskDefinition: "strategy", capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }] },
    type: "InvalidParameterException",
    message: /^Task definition does not support launch_type FARGATE\./,
    setup: async () => {
      await ecs.send("CreateCluster", { clusterName: "fargate-cluster", capacityProviders: ["FARGATE"] });
      await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "strategy" }));
    },
  },
  {
    what: "RunTask with a strategy naming a provider the cluster does not have",
    op: "RunTask",
    input: { taskDefinition: "strategy", capacityProviderStrategy: [{ capacityProvider: "elsewhere", weight: 1 }] },
    type: "InvalidParameterException",
    message: /not associated with the cluster/,
  },
];

describe("capacity provider refusals", () => itRefuses(() => ecs, refusals));
