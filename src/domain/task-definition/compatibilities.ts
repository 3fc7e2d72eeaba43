/**
 * Launch types. A definition that lists a launch type in `requiresCompatibilities` must satisfy it or
 * be refused. The response's `compatibilities` then says where the definition can run: always EC2,
 * FARGATE whenever the definition fits Fargate (asked for or not, as ECS reports it), and EXTERNAL or
 * MANAGED_INSTANCES only when asked for: real output never shows those two unrequested.
 */
import type { Compatibility } from "@aws-sdk/client-ecs";
import { compatibilityValues } from "./enums.js";
import { fargateProblem } from "./fargate.js";
import { messages } from "./messages.js";
import type { NormalizedTaskDefinition, TaskFacts } from "./types.js";

/** Why `def` cannot run with `launchType`, or undefined when it can. */
export function launchTypeProblem(launchType: Compatibility, def: NormalizedTaskDefinition, facts: TaskFacts): string | undefined {
  switch (launchType) {
    case "FARGATE":
      return fargateProblem(def, facts);
    case "EXTERNAL":
      // ECS Anywhere hosts have no ENI to give a task: bridge, host and none only.
      return facts.networkMode === "awsvpc" ? messages.externalAwsvpc() : undefined;
    case "EC2":
    case "MANAGED_INSTANCES":
      // Everything register accepts runs on EC2. Managed Instances' own limits are not modelled.
      return undefined;
  }
}

/** The `compatibilities` ECS reports for a definition that passed validation. */
export function compatibilitiesOf(def: NormalizedTaskDefinition, facts: TaskFacts): Compatibility[] {
  return compatibilityValues.filter(
    (c) => c === "EC2" || facts.requires.includes(c) || (c === "FARGATE" && fargateProblem(def, facts) === undefined),
  );
}
