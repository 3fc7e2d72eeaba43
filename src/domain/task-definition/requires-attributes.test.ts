import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aContainer, aTaskDefinition, type Request } from "./builders.js";
import { normalizeTaskDefinition } from "./normalize.js";

const c = aContainer;
const td = aTaskDefinition;
const names = (request: Request): string[] => (normalizeTaskDefinition(request).requiresAttributes ?? []).map((a) => a.name ?? "");
const role = "arn:aws:iam::000000000000:role/r";
const ecrImage = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/app:1";

void describe("requiresAttributes", () => {
  const cases: ReadonlyArray<readonly [feature: string, request: Request, expected: string[]]> = [
    ["nothing special", td(), []],
    ["a task role", td({ taskRoleArn: role }), ["com.amazonaws.ecs.capability.task-iam-role"]],
    ["a task role in host mode", td({ taskRoleArn: role, networkMode: "host" }), ["com.amazonaws.ecs.capability.task-iam-role", "com.amazonaws.ecs.capability.task-iam-role-network-host"]],
    ["awsvpc", td({ networkMode: "awsvpc" }), ["com.amazonaws.ecs.capability.docker-remote-api.1.18", "ecs.capability.task-eni"]],
    ["memoryReservation", td({ containerDefinitions: [c({ memoryReservation: 64 })] }), ["com.amazonaws.ecs.capability.docker-remote-api.1.21"]],
    ["a health check", td({ containerDefinitions: [c({ healthCheck: { command: ["CMD", "true"] } })] }), ["com.amazonaws.ecs.capability.docker-remote-api.1.24", "ecs.capability.container-health-check"]],
    ["dependsOn", td({ containerDefinitions: [c({ dependsOn: [{ containerName: "db", condition: "START" }] }), c({ name: "db" })] }), ["ecs.capability.container-ordering"]],
    ["a privileged container", td({ containerDefinitions: [c({ privileged: true })] }), ["com.amazonaws.ecs.capability.privileged-container"]],
    ["an ECR image pulled with the execution role", td({ executionRoleArn: role, containerDefinitions: [c({ image: ecrImage })] }), ["com.amazonaws.ecs.capability.ecr-auth", "ecs.capability.execution-role-ecr-pull"]],
    ["json-file logs without options", td({ containerDefinitions: [c({ logConfiguration: { logDriver: "json-file" } })] }), ["com.amazonaws.ecs.capability.docker-remote-api.1.18", "com.amazonaws.ecs.capability.logging-driver.json-file"]],
    [
      "SSM and Secrets Manager secrets",
      td({ executionRoleArn: role, containerDefinitions: [c({ secrets: [{ name: "A", valueFrom: "arn:aws:ssm:us-east-1:1:parameter/a" }, { name: "B", valueFrom: "arn:aws:secretsmanager:us-east-1:1:secret:b" }] })] }),
      ["ecs.capability.secrets.asm.environment-variables", "ecs.capability.secrets.ssm.environment-variables"],
    ],
    ["a shared volume of a plugin driver", td({ volumes: [{ name: "data", dockerVolumeConfiguration: { scope: "shared", driver: "rexray/ebs" } }] }), ["ecs.capability.docker-plugin.rexray/ebs"]],
    ["pidMode", td({ pidMode: "task" }), ["ecs.capability.pid-ipc-namespace-sharing"]],
    ["a container port range", td({ containerDefinitions: [c({ portMappings: [{ containerPortRange: "9000-9001" }] })] }), ["ecs.capability.network.container-port-range"]],
  ];
  for (const [feature, request, expected] of cases) {
    void it(`for ${feature}: ${expected.length === 0 ? "none" : expected.join(", ")}`, () => assert.deepEqual(names(request), expected));
  }

  void it("lists each attribute once, sorted, however many containers need it", () => {
    const list = names(td({ containerDefinitions: [c({ name: "a", memoryReservation: 64 }), c({ name: "b", memoryReservation: 64 })] }));
    assert.deepEqual(list, ["com.amazonaws.ecs.capability.docker-remote-api.1.21"]);
  });
});
