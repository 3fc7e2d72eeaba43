import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { DockerClient } from "./docker/docker-client.js";
import { repoDigestFor } from "./docker/docker-client.js";
import { containerKnownStatus, metadataContainer, metadataTask } from "./host-views.js";
import { PortAllocator } from "./ports.js";
import { SubnetNetworks } from "./subnet-networks.js";
import { TaskActor } from "./task-actor.js";

/** An actor that never reaches Docker: these tests only read its views. */
function anActor(taskArn = "arn:aws:ecs:us-east-1:000000000000:task/c/t1"): TaskActor {
  return new TaskActor(
    { taskArn, family: "web", revision: 1, desiredStatus: "RUNNING", networkMode: "bridge", containers: [{ name: "app", image: "berth-test:latest" }], volumes: [] },
    {
      docker: new DockerClient(),
      ports: new PortAllocator({ first: 40000, last: 40010 }, new Set()),
      cluster: "c",
      containerInstanceArn: "arn:ci",
      hostIp: "0.0.0.0",
      pullBehavior: "default",
      defaultStopTimeoutSeconds: 2,
      pause: { image: "berth-test:latest" },
      networks: new SubnetNetworks({ docker: new DockerClient(), idleMs: 0, logger: pino({ level: "silent" }) }),
      injectedEnv: () => ({}),
      report: () => undefined,
      logger: pino({ level: "silent" }),
      now: () => 0,
      after: () => undefined,
    },
  );
}

describe("metadata endpoint: a container's KnownStatus", () => {
  it("is PENDING before Docker was asked to start it", () => {
    const a = anActor();
    a.phase = "PENDING";
    assert.equal(containerKnownStatus(a, a.containers.get("app")!), "PENDING");
  });

  it("is RUNNING once Docker was asked to start it, before the agent has inspected it (the container asks from inside)", () => {
    const a = anActor();
    a.phase = "PENDING";
    const c = a.containers.get("app")!;
    c.dockerId = "abc";
    c.startRequested = true;
    assert.equal(metadataContainer(a, c).KnownStatus, "RUNNING");
  });

  it("is STOPPED when the task stopped", () => {
    const a = anActor();
    const c = a.containers.get("app")!;
    c.startRequested = true;
    c.status = "STOPPED";
    a.phase = "STOPPED";
    assert.equal(containerKnownStatus(a, c), "STOPPED");
  });
});

describe("repoDigestFor: the manifest digest ECS reports as imageDigest", () => {
  const digest = "sha256:" + "a".repeat(64);
  const cases: Array<[string, string, readonly string[], string | undefined]> = [
    ["a Docker Hub short name", "nginx:1.27", [`nginx@${digest}`], digest],
    ["a registry with a port", "127.0.0.1:4400/hello:v1", [`127.0.0.1:4400/hello@${digest}`], digest],
    ["a reference by digest", `nginx@${digest}`, [], digest],
    ["another repository's digest is not this one's", "hello:v1", [`other@${digest}`], undefined],
    ["a locally built image has none", "berth-test:latest", [], undefined],
  ];
  for (const [what, image, repoDigests, expected] of cases) it(what, () => assert.equal(repoDigestFor(image, repoDigests), expected));
});

describe("metadata endpoint: a task's Cluster", () => {
  it("is the task's own cluster, also on a managed-capacity agent serving tasks of every cluster", () => {
    assert.equal(metadataTask(anActor("arn:aws:ecs:us-east-1:000000000000:task/web/0123456789abcdef0123456789abcdef"), "berth.fargate-pool").Cluster, "web");
  });
});
