import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CreateClusterResponse, DeleteClusterResponse, DescribeClustersResponse, ListClustersResponse } from "@aws-sdk/client-ecs";
import { anInstanceRegistration, jsonAnswer, itRefuses, startInProcessEcs, type InProcessEcs, type Refusal } from "../testing.js";

/** Clusters through the JSON front door in process: signed requests, the real table, a real store. */
let ecs: InProcessEcs;
before(() => {
  ecs = startInProcessEcs();
});
after(() => ecs.close());

const arn = (name: string) => `arn:aws:ecs:us-east-1:123456789012:cluster/${name}`;

describe("clusters", () => {
  it("round-trips: created, described, listed, deleted, then INACTIVE and no longer listed", async () => {
    const created = await ecs.send<CreateClusterResponse>("CreateCluster", { clusterName: "round-trip", tags: [{ key: "team", value: "core" }] });
    assert.equal(created.cluster?.clusterArn, arn("round-trip"));
    assert.equal(created.cluster?.status, "ACTIVE");
    assert.deepEqual(created.cluster?.tags, [{ key: "team", value: "core" }]);

    const described = await ecs.send<DescribeClustersResponse>("DescribeClusters", { clusters: ["round-trip", arn("round-trip")], include: ["TAGS"] });
    assert.deepEqual(described.clusters?.map((c) => [c.clusterName, c.status, c.registeredContainerInstancesCount, c.runningTasksCount]), [
      ["round-trip", "ACTIVE", 0, 0],
      ["round-trip", "ACTIVE", 0, 0],
    ]);
    assert.deepEqual(described.failures, []);
    assert.ok((await ecs.send<ListClustersResponse>("ListClusters", {})).clusterArns?.includes(arn("round-trip")));

    const deleted = await ecs.send<DeleteClusterResponse>("DeleteCluster", { cluster: "round-trip" });
    assert.equal(deleted.cluster?.status, "INACTIVE");
    const after = await ecs.send<DescribeClustersResponse>("DescribeClusters", { clusters: ["round-trip"] });
    assert.equal(after.clusters?.[0]?.status, "INACTIVE", "a deleted cluster is still described, as INACTIVE");
    assert.ok(!(await ecs.send<ListClustersResponse>("ListClusters", {})).clusterArns?.includes(arn("round-trip")));
  });

  it("is idempotent: creating an ACTIVE cluster again returns it unchanged", async () => {
    const first = await ecs.send<CreateClusterResponse>("CreateCluster", { clusterName: "twice" });
    const again = await ecs.send<CreateClusterResponse>("CreateCluster", { clusterName: "twice" });
    assert.equal(again.cluster?.clusterArn, first.cluster?.clusterArn);
    assert.equal((await ecs.send<ListClustersResponse>("ListClusters", {})).clusterArns?.filter((a) => a === arn("twice")).length, 1);
  });

  it("names `default` when no cluster is given", async () => {
    const created = await ecs.send<CreateClusterResponse>("CreateCluster", {});
    assert.equal(created.cluster?.clusterName, "default");
  });

  it("describes a cluster it does not know as a MISSING failure, not an error", async () => {
    const out = await ecs.send<DescribeClustersResponse>("DescribeClusters", { clusters: ["nowhere"] });
    assert.deepEqual(out.clusters, []);
    assert.deepEqual(out.failures, [{ arn: "arn:aws:ecs:us-east-1:123456789012:cluster/nowhere", reason: "MISSING" }]);
  });

  it("pages ListClusters with maxResults and nextToken", async () => {
    for (const name of ["page-a", "page-b", "page-c"]) await ecs.send("CreateCluster", { clusterName: name });
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page: ListClustersResponse = await ecs.send<ListClustersResponse>("ListClusters", { maxResults: 2, nextToken });
      assert.ok((page.clusterArns?.length ?? 0) <= 2);
      seen.push(...(page.clusterArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const name of ["page-a", "page-b", "page-c"]) assert.ok(seen.includes(arn(name)), `${name} is on some page`);
    assert.equal(new Set(seen).size, seen.length, "no cluster on two pages");
  });

  const refusals: Refusal[] = [
    { what: "a cluster name with spaces", op: "CreateCluster", input: { clusterName: "has spaces" }, status: 400, type: "InvalidParameterException", message: /cluster/i },
    { what: "deleting a cluster that does not exist", op: "DeleteCluster", input: { cluster: "ghost" }, status: 400, type: "ClusterNotFoundException", message: /^Cluster not found\.$/ },
    {
      what: "deleting a cluster that holds a container instance",
      op: "DeleteCluster",
      input: { cluster: "occupied" },
      setup: async () => {
        await ecs.send("CreateCluster", { clusterName: "occupied" });
        await ecs.send("RegisterContainerInstance", anInstanceRegistration({ cluster: "occupied" }));
      },
      status: 400,
      type: "ClusterContainsContainerInstancesException",
      message: /Container Instances are active/,
    },
    { what: "an include field ECS does not have", op: "DescribeClusters", input: { clusters: ["default"], include: ["SECRETS"] }, status: 400, type: "InvalidParameterException", message: /include must contain only/ },
    { what: "a member of the wrong type", op: "CreateCluster", input: { clusterName: 42 }, status: 400, type: "SerializationException", message: /clusterName/ },
    { what: "an operation ECS does not have", op: "CreateGalaxy", input: {}, status: 400, type: "UnknownOperationException", message: /CreateGalaxy/ },
  ];
  itRefuses(() => ecs, refusals);
});

describe("the signature in front of every ECS operation", () => {
  it("answers an unsigned request 403 MissingAuthenticationTokenException and a tampered one 403 InvalidSignatureException", async () => {
    const req = await ecs.request("CreateCluster", { clusterName: "signed" });
    const { authorization: _, ...unsigned } = req.headers;
    const cases: [string, typeof req, string][] = [
      ["unsigned", { ...req, headers: unsigned }, "MissingAuthenticationTokenException"],
      ["tampered", { ...req, body: Buffer.from(JSON.stringify({ clusterName: "forged" })) }, "InvalidSignatureException"],
    ];
    for (const [what, request, type] of cases) {
      const answer = jsonAnswer(await ecs.dispatch(request));
      assert.equal(answer.status, 403, what);
      assert.equal(answer.body.__type, type, what);
      assert.equal(typeof answer.body.message, "string", what);
    }
    const described = await ecs.send<DescribeClustersResponse>("DescribeClusters", { clusters: ["signed", "forged"] });
    assert.deepEqual(described.failures?.map((f) => f.arn), ["signed", "forged"].map((n) => `arn:aws:ecs:us-east-1:123456789012:cluster/${n}`), "neither refused request created anything");
  });
});
