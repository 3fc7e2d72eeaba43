import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type {
  CreateCapacityProviderResponse,
  CreateServiceResponse,
  DescribeContainerInstancesResponse,
  DescribeServicesResponse,
  DescribeTasksResponse,
  ListTagsForResourceResponse,
  RegisterContainerInstanceResponse,
  RunTaskResponse,
} from "@aws-sdk/client-ecs";
import { aTaskDefinition, anInstanceRegistration, itRefuses, startInProcessEcs, type InProcessEcs, type Refusal } from "../testing.js";

/** Tags on every ECS resource that takes them, by ARN, in process. */
let ecs: InProcessEcs;
let arns: { service: string; task: string; instance: string; provider: string };
before(async () => {
  ecs = startInProcessEcs();
  await ecs.send("CreateCluster", { clusterName: "tagged" });
  const instance = await ecs.send<RegisterContainerInstanceResponse>("RegisterContainerInstance", anInstanceRegistration({ cluster: "tagged", tags: [{ key: "rack", value: "r1" }] }));
  const instanceArn = instance.containerInstance?.containerInstanceArn ?? "";
  await ecs.connectAgent(instanceArn);
  await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "tagged", tags: [{ key: "from", value: "definition" }] }));
  const run = await ecs.send<RunTaskResponse>("RunTask", { cluster: "tagged", taskDefinition: "tagged", tags: [{ key: "job", value: "nightly" }], propagateTags: "TASK_DEFINITION" });
  const service = await ecs.send<CreateServiceResponse>("CreateService", { cluster: "tagged", serviceName: "svc", taskDefinition: "tagged", desiredCount: 0, tags: [{ key: "tier", value: "web" }] });
  const provider = await ecs.send<CreateCapacityProviderResponse>("CreateCapacityProvider", {
    name: "tagged-cp",
    autoScalingGroupProvider: { autoScalingGroupArn: "tagged-group" },
    tags: [{ key: "cost", value: "low" }],
  });
  arns = {
    service: service.service?.serviceArn ?? "",
    task: run.tasks?.[0]?.taskArn ?? "",
    instance: instanceArn,
    provider: provider.capacityProvider?.capacityProviderArn ?? "",
  };
});
after(() => ecs.close());

const listed = async (resourceArn: string) => (await ecs.send<ListTagsForResourceResponse>("ListTagsForResource", { resourceArn })).tags;

describe("tags on every taggable resource", () => {
  it("lists the tags each resource was created with (a task's propagated from its definition too)", async () => {
    assert.deepEqual(await listed(arns.service), [{ key: "tier", value: "web" }]);
    assert.deepEqual(await listed(arns.task), [
      { key: "from", value: "definition" },
      { key: "job", value: "nightly" },
    ]);
    assert.deepEqual(await listed(arns.instance), [{ key: "rack", value: "r1" }]);
    assert.deepEqual(await listed(arns.provider), [{ key: "cost", value: "low" }]);
  });

  for (const kind of ["service", "task", "instance", "provider"] as const) {
    it(`tags and untags a ${kind} by ARN: new keys added, a key present overwritten, removed keys gone`, async () => {
      const arn = arns[kind];
      const before = (await listed(arn)) ?? [];
      await ecs.send("TagResource", { resourceArn: arn, tags: [{ key: "owner", value: "a" }] });
      await ecs.send("TagResource", { resourceArn: arn, tags: [{ key: "owner", value: "b" }, { key: "extra", value: "" }] });
      const tagged = (await listed(arn)) ?? [];
      assert.deepEqual(tagged.find((t) => t.key === "owner"), { key: "owner", value: "b" });
      assert.equal(tagged.length, before.length + 2);
      await ecs.send("UntagResource", { resourceArn: arn, tagKeys: ["owner", "extra", "never-there"] });
      assert.deepEqual(await listed(arn), before);
    });
  }

  it("Describe calls return tags only with include TAGS, and then the current ones", async () => {
    await ecs.send("TagResource", { resourceArn: arns.service, tags: [{ key: "described", value: "yes" }] });
    const plain = await ecs.send<DescribeServicesResponse>("DescribeServices", { cluster: "tagged", services: ["svc"] });
    assert.equal(plain.services?.[0]?.tags, undefined);
    const withTags = await ecs.send<DescribeServicesResponse>("DescribeServices", { cluster: "tagged", services: ["svc"], include: ["TAGS"] });
    assert.ok(withTags.services?.[0]?.tags?.some((t) => t.key === "described"));

    const tasks = await ecs.send<DescribeTasksResponse>("DescribeTasks", { cluster: "tagged", tasks: [arns.task], include: ["TAGS"] });
    assert.ok(tasks.tasks?.[0]?.tags?.some((t) => t.key === "job"));
    const instances = await ecs.send<DescribeContainerInstancesResponse>("DescribeContainerInstances", { cluster: "tagged", containerInstances: [arns.instance] });
    assert.equal(instances.containerInstances?.[0]?.tags, undefined);
    const instancesTagged = await ecs.send<DescribeContainerInstancesResponse>("DescribeContainerInstances", {
      cluster: "tagged",
      containerInstances: [arns.instance],
      include: ["TAGS"],
    });
    assert.deepEqual(instancesTagged.containerInstances?.[0]?.tags, [{ key: "rack", value: "r1" }]);
  });

  it("refuses a 51st tag on a service and leaves its tags as they were", async () => {
    const before = (await listed(arns.service)) ?? [];
    const fill = Array.from({ length: 50 - before.length }, (_, i) => ({ key: `k${i}`, value: "v" }));
    await ecs.send("TagResource", { resourceArn: arns.service, tags: fill });
    const refused = await ecs.call("TagResource", { resourceArn: arns.service, tags: [{ key: "one-too-many", value: "v" }] });
    assert.deepEqual([refused.status, refused.body.__type], [400, "InvalidParameterException"]);
    assert.match(String(refused.body.message), /at most 50 tags/);
    assert.equal((await listed(arns.service))?.length, 50);
    await ecs.send("UntagResource", { resourceArn: arns.service, tagKeys: fill.map((t) => t.key) });
  });
});

const missing = (path: string) => `arn:aws:ecs:us-east-1:123456789012:${path}`;
const refusals: Refusal[] = [
  { what: "a service that does not exist", op: "TagResource", input: { resourceArn: missing("service/tagged/ghost"), tags: [{ key: "a", value: "b" }] }, type: "ServiceNotFoundException", message: /^Service not found\.$/ },
  { what: "a service of a cluster that does not exist", op: "ListTagsForResource", input: { resourceArn: missing("service/nocluster/svc") }, type: "ClusterNotFoundException", message: /Cluster not found/ },
  { what: "a task that does not exist", op: "UntagResource", input: { resourceArn: missing("task/tagged/0123456789abcdef0123456789abcdef"), tagKeys: ["a"] }, type: "ResourceNotFoundException", message: /The task .* does not exist/ },
  { what: "a container instance that does not exist", op: "ListTagsForResource", input: { resourceArn: missing("container-instance/tagged/0123456789abcdef") }, type: "ResourceNotFoundException", message: /container instance .* does not exist/ },
  { what: "a capacity provider that does not exist", op: "TagResource", input: { resourceArn: missing("capacity-provider/ghost"), tags: [{ key: "a", value: "b" }] }, type: "ResourceNotFoundException", message: /capacity provider .* does not exist/ },
  { what: "a service ARN in the short format", op: "TagResource", input: { resourceArn: missing("service/svc"), tags: [{ key: "a", value: "b" }] }, type: "InvalidParameterException", message: /^Long arn format must be used for tagging operations$/ },
  { what: "a tag key with the aws: prefix", op: "TagResource", input: { resourceArn: missing("cluster/tagged"), tags: [{ key: "AWS:mine", value: "b" }] }, type: "InvalidParameterException", message: /'aws:' prefix/ },
  { what: "a 129-character key", op: "TagResource", input: { resourceArn: missing("cluster/tagged"), tags: [{ key: "k".repeat(129), value: "b" }] }, type: "InvalidParameterException", message: /1 to 128 characters/ },
  { what: "a 257-character value", op: "TagResource", input: { resourceArn: missing("cluster/tagged"), tags: [{ key: "k", value: "v".repeat(257) }] }, type: "InvalidParameterException", message: /at most 256 characters/ },
  { what: "removing an aws: tag", op: "UntagResource", input: { resourceArn: missing("cluster/tagged"), tagKeys: ["aws:ecs:clusterName"] }, type: "InvalidParameterException", message: /cannot be removed/ },
];

describe("tag refusals", () => itRefuses(() => ecs, refusals));
