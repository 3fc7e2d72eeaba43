import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ContainerDefinition, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";

/** The test image scripts/setup.sh builds (see test-image/README.md). */
export const testImage = "berth-test:latest";

export const fixturePath = (name: string): string => resolve(import.meta.dirname, "../../../test/fixtures", name);

/** test/fixtures/basic-task.json (hello-server), with its image swapped for the local test image. */
export function helloServer(): RegisterTaskDefinitionCommandInput {
  const parsed = JSON.parse(readFileSync(fixturePath("basic-task.json"), "utf8")) as RegisterTaskDefinitionCommandInput;
  return { ...parsed, containerDefinitions: (parsed.containerDefinitions ?? []).map((c) => ({ ...c, image: testImage })) };
}

/** A container of the test image with small limits and a quick stop; override what the test is about. */
export function aContainer(overrides: ContainerDefinition = {}): ContainerDefinition {
  return { name: "app", image: testImage, memory: 32, cpu: 64, essential: true, stopTimeout: 2, ...overrides };
}

/** A bridge-mode task definition of the given containers. */
export function aTaskDefinition(family: string, containers: readonly ContainerDefinition[]): RegisterTaskDefinitionCommandInput {
  return { family, containerDefinitions: [...containers] };
}
