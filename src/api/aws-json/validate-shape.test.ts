import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NormalizedSchema } from "@smithy/core/schema";
import * as ecs from "@aws-sdk/client-ecs";
import * as ecr from "@aws-sdk/client-ecr";
import * as logs from "@aws-sdk/client-cloudwatch-logs";
import type { StaticStructureSchema } from "@smithy/types";
import { AwsError } from "../../errors/catalog.js";
import { nonIntegerMembers } from "./number-kinds.js";
import { validateShape } from "./validate-shape.js";

const integer = "an Integer (a whole number from -2147483648 to 2147483647)";
const long = "a Long (a whole number from -9223372036854775808 to 9223372036854775807)";

/** [what, schema, body, path of the refused number and expectation, or undefined when accepted] */
const cases: readonly [string, StaticStructureSchema, Record<string, unknown>, string | undefined][] = [
  ["desiredCount 1e300", ecs.CreateServiceRequest$, { serviceName: "s", desiredCount: 1e300 }, `Expected ${integer} for 'desiredCount', but got 1e+300.`],
  ["desiredCount 2147483648", ecs.CreateServiceRequest$, { serviceName: "s", desiredCount: 2 ** 31 }, `Expected ${integer} for 'desiredCount', but got 2147483648.`],
  ["desiredCount 2147483647", ecs.CreateServiceRequest$, { serviceName: "s", desiredCount: 2 ** 31 - 1 }, undefined],
  ["desiredCount 1.5", ecs.CreateServiceRequest$, { serviceName: "s", desiredCount: 1.5 }, `Expected ${integer} for 'desiredCount', but got 1.5.`],
  ["desiredCount 2.0 (a whole number written with a fraction)", ecs.CreateServiceRequest$, { serviceName: "s", desiredCount: 2.0 }, undefined],
  ["desiredCount -2147483649", ecs.CreateServiceRequest$, { serviceName: "s", desiredCount: -(2 ** 31) - 1 }, `Expected ${integer} for 'desiredCount', but got -2147483649.`],
  ["a container memory of 1e15", ecs.RegisterTaskDefinitionRequest$, { family: "f", containerDefinitions: [{ name: "a", memory: 1e15 }] }, `Expected ${integer} for 'containerDefinitions[0].memory', but got 1000000000000000.`],
  ["a nested Integer in a list (ignoredExitCodes)", ecs.RegisterTaskDefinitionRequest$, { family: "f", containerDefinitions: [{ name: "a", restartPolicy: { enabled: true, ignoredExitCodes: [1, 0.5] } }] }, `Expected ${integer} for 'containerDefinitions[0].restartPolicy.ignoredExitCodes[1]', but got 0.5.`],
  ["an override memory of 3e9", ecs.RunTaskRequest$, { taskDefinition: "t", overrides: { containerOverrides: [{ name: "a", memory: 3e9 }] } }, `Expected ${integer} for 'overrides.containerOverrides[0].memory', but got 3000000000.`],
  ["a Long above the Integer range (Resource.longValue)", ecs.RegisterContainerInstanceRequest$, { totalResources: [{ name: "DISK", type: "LONG", longValue: 2 ** 40 }] }, undefined],
  ["the largest Long, as JSON parses it", ecs.RegisterContainerInstanceRequest$, { totalResources: [{ name: "DISK", longValue: JSON.parse("9223372036854775807") as number }] }, undefined],
  ["a Long with a fraction", ecs.RegisterContainerInstanceRequest$, { totalResources: [{ name: "DISK", longValue: 1.25 }] }, `Expected ${long} for 'totalResources[0].longValue', but got 1.25.`],
  ["a Long beyond 64 bits", ecs.RegisterContainerInstanceRequest$, { totalResources: [{ name: "DISK", longValue: 1e20 }] }, `Expected ${long} for 'totalResources[0].longValue', but got 100000000000000000000.`],
  ["a Double with a fraction (Resource.doubleValue)", ecs.RegisterContainerInstanceRequest$, { totalResources: [{ name: "CPU", doubleValue: 0.5 }] }, undefined],
  ["an ECR part offset past 2 GiB (a Long)", ecr.UploadLayerPartRequest$, { repositoryName: "r", uploadId: "u", partFirstByte: 3 * 2 ** 30, partLastByte: 3 * 2 ** 30 + 9, layerPartBlob: "" }, undefined],
];

describe("validateShape: numbers must fit the model's Integer or Long", () => {
  for (const [what, schema, body, expected] of cases) {
    it(`${what}: ${expected === undefined ? "accepted" : "SerializationException"}`, () => {
      if (expected === undefined) {
        assert.doesNotThrow(() => validateShape(schema, body));
        return;
      }
      assert.throws(
        () => validateShape(schema, body),
        (e: unknown) => e instanceof AwsError && e.code === "SerializationException" && e.message === expected,
      );
    });
  }

  it("names only members the SDK's schemas have, and only numeric ones", () => {
    const structures = new Map<string, NormalizedSchema>();
    const collect = (s: NormalizedSchema): void => {
      if (s.isListSchema() || s.isMapSchema()) return collect(s.getValueSchema());
      if (!s.isStructSchema()) return;
      const name = s.getName(true) ?? "";
      if (structures.has(name)) return;
      structures.set(name, s);
      for (const [, member] of s.structIterator()) collect(member);
    };
    for (const module of [ecs, ecr, logs] as const) {
      for (const [key, value] of Object.entries(module)) {
        if (key.endsWith("Request$") && Array.isArray(value)) collect(NormalizedSchema.of(value as StaticStructureSchema));
      }
    }
    for (const entry of Object.keys(nonIntegerMembers)) {
      const dot = entry.lastIndexOf(".");
      const [structure, member] = [entry.slice(0, dot), entry.slice(dot + 1)];
      const s = structures.get(structure);
      assert.ok(s, `${structure} is not an input structure of the SDK`);
      const found = [...s.structIterator()].find(([name]) => name === member);
      assert.ok(found?.[1].isNumericSchema(), `${entry} is not a numeric member`);
    }
  });
});
