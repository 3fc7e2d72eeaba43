import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { diffTaskDefinitions, formatChange } from "./task-definition-diff.js";

const aTaskDefinition = (revision: number, web: Record<string, unknown> = {}): TaskDefinition => ({
  family: "shop",
  revision,
  taskDefinitionArn: `arn:aws:ecs:us-east-1:000000000000:task-definition/shop:${revision}`,
  status: "ACTIVE",
  registeredAt: new Date(revision * 1000),
  volumes: [],
  containerDefinitions: [
    { name: "web", image: "shop:1", memory: 128, environment: [{ name: "MODE", value: "prod" }], portMappings: [{ containerPort: 80, hostPort: 0, protocol: "tcp" }], ...web },
    { name: "sidecar", image: "proxy:2", memory: 32 },
  ],
});

describe("diffTaskDefinitions: field by field", () => {
  it("shows an image change, an environment change and a memory change, and nothing of what every revision has of its own", () => {
    const lines = diffTaskDefinitions(
      aTaskDefinition(1),
      aTaskDefinition(2, { image: "shop:2", memory: 256, environment: [{ name: "MODE", value: "debug" }, { name: "TRACE", value: "1" }] }),
    ).map(formatChange);
    assert.deepEqual(lines, [
      '~ containerDefinitions[web].environment[MODE]: "prod" → "debug"',
      '+ containerDefinitions[web].environment[TRACE]: "1"',
      '~ containerDefinitions[web].image: "shop:1" → "shop:2"',
      "~ containerDefinitions[web].memory: 128 → 256",
    ]);
  });

  it("keys containers by name: reordering them is no change; a removed container shows its fields", () => {
    const a = aTaskDefinition(1);
    const reordered = { ...aTaskDefinition(2), containerDefinitions: [...(a.containerDefinitions ?? [])].reverse() };
    assert.deepEqual(diffTaskDefinitions(a, reordered), []);
    const without = { ...aTaskDefinition(3), containerDefinitions: a.containerDefinitions?.slice(0, 1) };
    assert.deepEqual(diffTaskDefinitions(a, without).map(formatChange), ['- containerDefinitions[sidecar].image: "proxy:2"', "- containerDefinitions[sidecar].memory: 32"]);
  });

  it("indexes lists without names, and top-level fields by name", () => {
    const lines = diffTaskDefinitions({ ...aTaskDefinition(1), cpu: "256" }, { ...aTaskDefinition(2, { portMappings: [{ containerPort: 8080, hostPort: 0, protocol: "tcp" }] }), cpu: "512" }).map(formatChange);
    assert.deepEqual(lines, ["~ containerDefinitions[web].portMappings[0].containerPort: 80 → 8080", '~ cpu: "256" → "512"']);
  });
});
