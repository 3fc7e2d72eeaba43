import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aCluster, aTaskDefinition } from "../state/store-builders.js";
import type { Launch } from "./launch.js";
import { newTaskRecord, placementRequest, reservationFor } from "./new-task.js";

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
    const { spec } = newTaskRecord(l, "arn:aws:ecs:us-east-1:000000000000:container-instance/c/i0", ctx);
    assert.deepEqual([spec.cpu, spec.memory], [1024, 2048]);
    assert.deepEqual([reservationFor(l).cpu, reservationFor(l).memory], [1024, 2048]);
  });
});

describe("placementRequest: what the overrides need of an instance", () => {
  it("environment files named only by a container override need the capability the definition's would", () => {
    const required = (l: Launch) => (placementRequest(l, 1).requiredAttributes ?? []).map((a) => a.name);
    assert.deepEqual(required(launch()), []);
    assert.deepEqual(required(launch({ overrides: { containerOverrides: [{ name: "app", environmentFiles: [{ type: "s3", value: "arn:aws:s3:::b/app.env" }] }] } })), ["ecs.capability.env-files.s3"]);
  });
});
