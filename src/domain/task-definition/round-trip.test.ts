import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { aContainer, aFargateTaskDefinition, aTaskDefinition, helloFargate, helloServer } from "./builders.js";
import { normalizeTaskDefinition } from "./normalize.js";
import type { NormalizedTaskDefinition } from "./types.js";

/**
 * The everyday workflow "describe the current revision, change the image, register it again" sends a
 * described document back as a request. Registering it must give the same document: normalisation is
 * idempotent, and nothing it fills in is refused on the way back.
 */
const asRequest = (doc: NormalizedTaskDefinition): RegisterTaskDefinitionCommandInput => {
  // Response-only members, which a client drops before registering (the CLI refuses them).
  const { compatibilities, requiresAttributes, ...request } = doc;
  assert.ok(compatibilities.includes("EC2"));
  assert.notDeepEqual(requiresAttributes, [], "an empty requiresAttributes is omitted, never sent empty");
  return request;
};

const examples: ReadonlyArray<readonly [string, RegisterTaskDefinitionCommandInput]> = [
  ["hello-server", helloServer()],
  ["hello-fargate", helloFargate()],
  ["a Fargate definition in vCPU and GB", aFargateTaskDefinition({ cpu: "0.5 vCPU", memory: "1 GB" })],
  [
    "a multi-container bridge definition",
    aTaskDefinition({
      volumes: [{ name: "data", dockerVolumeConfiguration: { scope: "shared", autoprovision: true } }],
      containerDefinitions: [
        aContainer({ links: ["db:database"], portMappings: [{ containerPort: 80 }, { containerPortRange: "9000-9009", protocol: "udp" }], dependsOn: [{ containerName: "db", condition: "HEALTHY" }] }),
        aContainer({ name: "db", memoryReservation: 64, healthCheck: { command: ["CMD-SHELL", "pg_isready"] }, mountPoints: [{ sourceVolume: "data", containerPath: "/var/lib/db" }] }),
      ],
      placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.os-type == linux" }],
    }),
  ],
];

void describe("registering a described definition again", () => {
  for (const [name, request] of examples) {
    void it(`gives the same document for ${name}`, () => {
      const once = normalizeTaskDefinition(request);
      assert.deepEqual(normalizeTaskDefinition(asRequest(once)), once);
    });
  }
});
