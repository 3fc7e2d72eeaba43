import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DescribeTaskDefinitionResponse, RegisterTaskDefinitionResponse, Secret } from "@aws-sdk/client-ecs";
import { aContainerDefinition, aTaskDefinition, itRefuses, startInProcessEcs, type InProcessEcs, type Refusal } from "../testing.js";

/** Task definitions through the JSON front door in process. */
let ecs: InProcessEcs;
before(() => {
  ecs = startInProcessEcs();
});
after(() => ecs.close());

const execRole = "arn:aws:iam::123456789012:role/exec";
const arn = (familyRevision: string) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${familyRevision}`;

describe("task definitions", () => {
  it("numbers each registration of a family as the next revision, and describes the latest by family", async () => {
    const revisions: number[] = [];
    for (const image of ["berth-test:1", "berth-test:2", "berth-test:3"]) {
      const out = await ecs.send<RegisterTaskDefinitionResponse>("RegisterTaskDefinition", aTaskDefinition({ family: "revised", containerDefinitions: [aContainerDefinition({ image })] }));
      revisions.push(out.taskDefinition?.revision ?? 0);
    }
    assert.deepEqual(revisions, [1, 2, 3]);

    const cases: [string, number, string][] = [
      ["revised", 3, "berth-test:3"],
      ["revised:1", 1, "berth-test:1"],
      [arn("revised:2"), 2, "berth-test:2"],
    ];
    for (const [ref, revision, image] of cases) {
      const out = await ecs.send<DescribeTaskDefinitionResponse>("DescribeTaskDefinition", { taskDefinition: ref });
      assert.equal(out.taskDefinition?.taskDefinitionArn, arn(`revised:${revision}`), ref);
      assert.equal(out.taskDefinition?.status, "ACTIVE", ref);
      assert.equal(out.taskDefinition?.containerDefinitions?.[0]?.image, image, ref);
    }
  });

  it("describes what was registered: containers, resources, tags when asked", async () => {
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({
      family: "described",
      containerDefinitions: [aContainerDefinition({ name: "web", cpu: 256, memory: 512, portMappings: [{ containerPort: 80, hostPort: 8080 }] })],
      tags: [{ key: "team", value: "core" }],
    }));
    const out = await ecs.send<DescribeTaskDefinitionResponse>("DescribeTaskDefinition", { taskDefinition: "described", include: ["TAGS"] });
    const container = out.taskDefinition?.containerDefinitions?.[0];
    assert.deepEqual([container?.name, container?.cpu, container?.memory], ["web", 256, 512]);
    assert.deepEqual(container?.portMappings?.map((p) => [p.containerPort, p.hostPort, p.protocol]), [[80, 8080, "tcp"]]);
    assert.deepEqual(out.tags, [{ key: "team", value: "core" }]);
  });

  const refusals: Refusal[] = [
    { what: "a family that was never registered", op: "DescribeTaskDefinition", input: { taskDefinition: "never" }, type: "ClientException", message: /Unable to describe task definition/ },
    { what: "a task definition without containers", op: "RegisterTaskDefinition", input: aTaskDefinition({ containerDefinitions: [] }), type: "ClientException", message: /container/i },
    { what: "no family", op: "RegisterTaskDefinition", input: { containerDefinitions: [aContainerDefinition()] }, type: "InvalidParameterException", message: /Missing required parameter .family./ },
    { what: "a secret without valueFrom", op: "RegisterTaskDefinition", input: aTaskDefinition({ executionRoleArn: execRole, containerDefinitions: [aContainerDefinition({ secrets: [{ name: "A" } as Secret] })] }), type: "InvalidParameterException", message: /Missing required parameter .containerDefinitions\[0\]\.secrets\[0\]\.valueFrom./ },
    { what: "a secret without name", op: "RegisterTaskDefinition", input: aTaskDefinition({ executionRoleArn: execRole, containerDefinitions: [aContainerDefinition({ secrets: [{ valueFrom: "/a" } as Secret] })] }), type: "InvalidParameterException", message: /Missing required parameter .containerDefinitions\[0\]\.secrets\[0\]\.name./ },
    { what: "a secretOptions entry without valueFrom", op: "RegisterTaskDefinition", input: aTaskDefinition({ containerDefinitions: [aContainerDefinition({ logConfiguration: { logDriver: "splunk", secretOptions: [{ name: "splunk-token" } as Secret] } })] }), type: "InvalidParameterException", message: /Missing required parameter .*secretOptions\[0\]\.valueFrom./ },
    { what: "secrets without an execution role", op: "RegisterTaskDefinition", input: aTaskDefinition({ containerDefinitions: [aContainerDefinition({ secrets: [{ name: "A", valueFrom: "/a" }] })] }), type: "ClientException", message: /^When you are specifying container secrets, you must also specify a value for 'executionRoleArn'\./ },
  ];
  itRefuses(() => ecs, refusals);
});
