import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aCluster, aTaskDefinition } from "../state/store-builders.js";
import type { Launch } from "./launch.js";
import { newTaskRecord, placementRequest } from "./new-task.js";

const td = aTaskDefinition("app", 1, "ACTIVE");
const launch = (over: Partial<Launch> = {}): Launch => ({
  cluster: aCluster("c"),
  taskDefinition: { ...td, body: { ...td.body, cpu: "256", memory: "512", pidMode: "task", ipcMode: "none" } },
  overrides: {},
  group: "family:app",
  tags: [],
  constraints: [],
  strategies: [],
  capacity: { kind: "launch-type", launchType: "EC2" },
  ...over,
});
const ctx = { partition: { region: "us-east-1", accountId: "000000000000" }, nowMs: 1_800_000_000_000 };

describe("newTaskRecord: the task the agent is sent", () => {
  it("carries the definition's task size and namespace modes", () => {
    const { spec } = newTaskRecord(launch(), "arn:aws:ecs:us-east-1:000000000000:container-instance/c/i0", ctx);
    assert.deepEqual([spec.cpu, spec.memory, spec.pidMode, spec.ipcMode], [256, 512, "task", "none"]);
  });

  it("takes the run's task-level cpu and memory overrides, which placement reserved, for the limits the agent enforces", () => {
    const l = launch({ overrides: { cpu: "1024", memory: "2048" } });
    const { spec, reservation } = newTaskRecord(l, "arn:aws:ecs:us-east-1:000000000000:container-instance/c/i0", ctx);
    assert.deepEqual([spec.cpu, spec.memory], [1024, 2048]);
    assert.deepEqual([reservation.cpu, reservation.memory], [1024, 2048]);
    assert.deepEqual([placementRequest(l, 1).cpu, placementRequest(l, 1).memory], [1024, 2048]);
  });
});

describe("placementRequest: what the overrides need of an instance", () => {
  it("asks for an instance of its runtimePlatform's CPU architecture and operating system", () => {
    const on = (runtimePlatform: object) => placementRequest(launch({ taskDefinition: { ...td, body: { ...td.body, runtimePlatform } } }), 1).requiredAttributes;
    assert.deepEqual(on({ cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" }), [{ name: "ecs.cpu-architecture", value: "arm64" }, { name: "ecs.os-type", value: "linux" }]);
    assert.deepEqual(on({ operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" }), [{ name: "ecs.os-type", value: "windows" }]);
    assert.deepEqual(on({}), []);
  });

  it("asks for the GPUs its containers require, a container override's count replacing the definition's", () => {
    const containers = [
      { ...td.body.containerDefinitions![0]!, name: "app", resourceRequirements: [{ type: "GPU" as const, value: "2" }] },
      { ...td.body.containerDefinitions![0]!, name: "side", resourceRequirements: [{ type: "GPU" as const, value: "1" }] },
    ];
    const gpu = launch({ taskDefinition: { ...td, body: { ...td.body, containerDefinitions: containers } } });
    assert.equal(placementRequest(launch(), 1).gpuCount, 0);
    assert.equal(placementRequest(gpu, 1).gpuCount, 3);
    assert.equal(placementRequest({ ...gpu, overrides: { containerOverrides: [{ name: "app", resourceRequirements: [{ type: "GPU", value: "1" }] }] } }, 1).gpuCount, 2);
  });

  it("environment files named only by a container override need the capability the definition's would", () => {
    const required = (l: Launch) => (placementRequest(l, 1).requiredAttributes ?? []).map((a) => a.name);
    assert.deepEqual(required(launch()), []);
    assert.deepEqual(required(launch({ overrides: { containerOverrides: [{ name: "app", environmentFiles: [{ type: "s3", value: "arn:aws:s3:::b/app.env" }] }] } })), ["ecs.capability.env-files.s3"]);
  });
});
