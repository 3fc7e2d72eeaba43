import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aContainer, aFargateTaskDefinition, aTaskDefinition, helloFargate, helloServer, type Request } from "./builders.js";
import { normalizeTaskDefinition } from "./normalize.js";
import type { NormalizedTaskDefinition } from "./types.js";

const c = aContainer;
const td = aTaskDefinition;
const only = (doc: NormalizedTaskDefinition) => doc.containerDefinitions[0]!;
const attributeNames = (doc: NormalizedTaskDefinition): string[] => (doc.requiresAttributes ?? []).map((a) => a.name ?? "");

void describe("the seed definitions", () => {
  void it("registers hello-server with ECS's container defaults filled in", () => {
    const doc = normalizeTaskDefinition(helloServer());
    assert.deepEqual(doc, {
      family: "hello-server",
      networkMode: "bridge",
      containerDefinitions: [
        {
          name: "hello-server",
          image: "nginx",
          cpu: 384,
          memory: 384,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: "tcp" }],
          environment: [],
          mountPoints: [],
          volumesFrom: [],
          systemControls: [],
        },
      ],
      volumes: [],
      placementConstraints: [],
      compatibilities: ["EC2"],
    });
  });

  void it("registers hello-server with task-level cpu and memory too", () => {
    const seed = helloServer();
    const doc = normalizeTaskDefinition({ ...seed, cpu: "384", memory: "384" });
    assert.equal(doc.cpu, "384");
    assert.equal(doc.memory, "384");
    assert.deepEqual(doc.compatibilities, ["EC2"]);
  });

  void it("registers hello-fargate as EC2- and Fargate-compatible with its awsvpc port and log attributes", () => {
    const doc = normalizeTaskDefinition(helloFargate());
    assert.deepEqual(doc.compatibilities, ["EC2", "FARGATE"]);
    assert.deepEqual(doc.requiresCompatibilities, ["FARGATE"]);
    assert.equal(doc.cpu, "256");
    assert.equal(doc.memory, "512");
    const web = only(doc);
    assert.deepEqual(web.portMappings, [{ containerPort: 80, hostPort: 80, protocol: "tcp" }]);
    assert.equal(web.cpu, 0);
    assert.equal(web.essential, true);
    assert.deepEqual(attributeNames(doc), [
      "com.amazonaws.ecs.capability.docker-remote-api.1.18",
      "com.amazonaws.ecs.capability.docker-remote-api.1.19",
      "com.amazonaws.ecs.capability.logging-driver.awslogs",
      "ecs.capability.execution-role-awslogs",
      "ecs.capability.task-eni",
    ]);
  });

  void it("refuses hello-fargate with cpu 256 and memory 4096", () => {
    assert.throws(() => normalizeTaskDefinition({ ...helloFargate(), memory: "4096" }), /No Fargate configuration exists for given values\./);
  });
});

void describe("task size strings", () => {
  const cases: ReadonlyArray<readonly [cpu: string, memory: string, wantCpu: string, wantMemory: string]> = [
    ["1024", "2048", "1024", "2048"],
    ["1 vCPU", "2GB", "1024", "2048"],
    ["1 vcpu", "2 GB", "1024", "2048"],
    ["0.25 vCPU", "0.5GB", "256", "512"],
    [".5vcpu", "1gb", "512", "1024"],
    [" 2048 ", "4096", "2048", "4096"],
  ];
  for (const [cpu, memory, wantCpu, wantMemory] of cases) {
    void it(`stores cpu ${JSON.stringify(cpu)} as ${wantCpu} and memory ${JSON.stringify(memory)} as ${wantMemory}`, () => {
      const doc = normalizeTaskDefinition(td({ cpu, memory }));
      assert.equal(doc.cpu, wantCpu);
      assert.equal(doc.memory, wantMemory);
    });
  }
});

void describe("container defaults and port mappings", () => {
  void it("keeps what the request sets and fills only ECS's defaults", () => {
    const web = only(normalizeTaskDefinition(td({ containerDefinitions: [c({ cpu: 10, essential: false, environment: [{ name: "A", value: "1" }] }), c({ name: "main" })] })));
    assert.equal(web.cpu, 10);
    assert.equal(web.essential, false);
    assert.deepEqual(web.environment, [{ name: "A", value: "1" }]);
    assert.equal(web.secrets, undefined, "members ECS does not default stay absent");
    assert.equal(web.ulimits, undefined);
    assert.equal(web.healthCheck, undefined);
  });

  void it("fills the health check defaults and leaves startPeriod unset", () => {
    const web = only(normalizeTaskDefinition(td({ containerDefinitions: [c({ healthCheck: { command: ["CMD-SHELL", "curl -f localhost"] } })] })));
    assert.deepEqual(web.healthCheck, { command: ["CMD-SHELL", "curl -f localhost"], interval: 30, timeout: 5, retries: 3 });
  });

  void it("keeps health check values the request gives", () => {
    const healthCheck = { command: ["CMD", "true"], interval: 5, timeout: 2, retries: 10, startPeriod: 0 };
    assert.deepEqual(only(normalizeTaskDefinition(td({ containerDefinitions: [c({ healthCheck })] }))).healthCheck, healthCheck);
  });

  const portCases: ReadonlyArray<readonly [mode: Request["networkMode"], given: object, want: object]> = [
    [undefined, { containerPort: 80 }, { containerPort: 80, hostPort: 0, protocol: "tcp" }],
    ["bridge", { containerPort: 80, hostPort: 8080, protocol: "udp" }, { containerPort: 80, hostPort: 8080, protocol: "udp" }],
    ["host", { containerPort: 80 }, { containerPort: 80, hostPort: 80, protocol: "tcp" }],
    ["awsvpc", { containerPort: 80, hostPort: 0 }, { containerPort: 80, hostPort: 80, protocol: "tcp" }],
    ["awsvpc", { containerPort: 80, hostPort: 80 }, { containerPort: 80, hostPort: 80, protocol: "tcp" }],
    ["bridge", { containerPort: 80, protocol: "sctp" }, { containerPort: 80, hostPort: 0, protocol: "tcp" }],
    ["bridge", { containerPortRange: "9000-9099" }, { containerPortRange: "9000-9099", protocol: "tcp" }],
    ["bridge", { containerPort: 80, name: "http", appProtocol: "http" }, { containerPort: 80, hostPort: 0, protocol: "tcp", name: "http", appProtocol: "http" }],
  ];
  for (const [mode, given, want] of portCases) {
    void it(`returns ${JSON.stringify(given)} as ${JSON.stringify(want)} with networkMode ${mode ?? "unset"}`, () => {
      const doc = normalizeTaskDefinition(td({ networkMode: mode, containerDefinitions: [c({ portMappings: [given] })] }));
      assert.deepEqual(only(doc).portMappings, [want]);
    });
  }
});

void describe("what the document echoes", () => {
  void it("does not invent networkMode or requiresCompatibilities, as ECS does not", () => {
    const doc = normalizeTaskDefinition(td());
    assert.equal("networkMode" in doc, false);
    assert.equal("requiresCompatibilities" in doc, false);
    assert.equal("requiresAttributes" in doc, false, "an empty requiresAttributes is omitted");
  });

  void it("echoes an empty requiresCompatibilities", () => {
    assert.deepEqual(normalizeTaskDefinition(td({ requiresCompatibilities: [] })).requiresCompatibilities, []);
  });

  void it("leaves tags and members outside the model out of the document", () => {
    const request = { ...td({ tags: [{ key: "team", value: "a" }] }), bogus: true };
    const doc = normalizeTaskDefinition(request);
    assert.equal("tags" in doc, false);
    assert.equal("bogus" in doc, false);
  });

  void it("shares no object with the request", () => {
    const request = td({ volumes: [{ name: "data" }], containerDefinitions: [c({ environment: [{ name: "A", value: "1" }] })] });
    const before = structuredClone(request);
    const doc = normalizeTaskDefinition(request);
    only(doc).environment.push({ name: "B", value: "2" });
    doc.volumes.push({ name: "more" });
    assert.deepEqual(request, before);
  });

  void it("accepts memory equal to memoryReservation, which ECS allows", () => {
    const web = only(normalizeTaskDefinition(td({ containerDefinitions: [c({ memory: 256, memoryReservation: 256 })] })));
    assert.equal(web.memoryReservation, 256);
  });

  // The largest values the limits allow; refusals.test.ts holds the first value past each.
  const justInside: readonly [string, Request][] = [
    ["task cpu 196608 units and memory 2147483647 MiB", td({ cpu: "196608", memory: "2147483647", containerDefinitions: [c({ memory: 6 })] })],
    ["task cpu 128 units", td({ cpu: "128" })],
    ["container memory and memoryReservation of 6 MiB", td({ containerDefinitions: [c({ memory: 6, memoryReservation: 6 })] })],
    ["container memory of 2147483647 MiB (the largest Integer)", td({ containerDefinitions: [c({ memory: 2_147_483_647 })] })],
    ["a family of 255 characters", td({ family: "f".repeat(255) })],
    ["ten containers", td({ containerDefinitions: Array.from({ length: 10 }, (_, i) => c({ name: `c${i}` })) })],
    ["ten placement constraints", td({ placementConstraints: Array.from({ length: 10 }, () => ({ type: "memberOf" as const, expression: "attribute:ecs.os-type == linux" })) })],
    ["50 tags", td({ tags: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" })) })],
    ["a health check at its upper bounds", td({ containerDefinitions: [c({ healthCheck: { command: ["CMD", "true"], interval: 300, timeout: 60, retries: 10, startPeriod: 300 } })] })],
  ];
  for (const [what, request] of justInside) {
    void it(`accepts ${what}`, () => {
      assert.doesNotThrow(() => normalizeTaskDefinition(request));
    });
  }

  void it("lets containers go without memory when the task sets it", () => {
    const doc = normalizeTaskDefinition(td({ memory: "512", containerDefinitions: [c({ memory: undefined })] }));
    assert.equal(only(doc).memory, undefined);
  });

  void it("accepts dependencies ECS accepts: START on an essential container, COMPLETE on a non-essential one", () => {
    const doc = normalizeTaskDefinition(
      td({
        containerDefinitions: [
          c({ dependsOn: [{ containerName: "db", condition: "START" }, { containerName: "init", condition: "COMPLETE" }, { containerName: "cache", condition: "HEALTHY" }] }),
          c({ name: "db" }),
          c({ name: "init", essential: false }),
          c({ name: "cache", healthCheck: { command: ["CMD", "true"] } }),
        ],
      }),
    );
    assert.equal(doc.containerDefinitions.length, 4);
  });

  void it("passes expressions to the placement engine's check", () => {
    const seen: string[] = [];
    normalizeTaskDefinition(td({ placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.os-type == linux" }] }), {
      validateExpression: (e) => {
        seen.push(e);
        return undefined;
      },
    });
    assert.deepEqual(seen, ["attribute:ecs.os-type == linux"]);
  });

  void it("keeps secrets, secretOptions and repositoryCredentials as given, secrets with an execution role", () => {
    const secrets = [{ name: "DB_PASSWORD", valueFrom: "arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password" }];
    const logConfiguration = { logDriver: "splunk" as const, secretOptions: [{ name: "splunk-token", valueFrom: "/app/splunk-token" }] };
    const repositoryCredentials = { credentialsParameter: "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf" };
    const doc = normalizeTaskDefinition(td({ executionRoleArn: "arn:aws:iam::123456789012:role/exec", containerDefinitions: [c({ secrets, logConfiguration, repositoryCredentials })] }));
    assert.deepEqual([only(doc).secrets, only(doc).logConfiguration, only(doc).repositoryCredentials], [secrets, logConfiguration, repositoryCredentials]);
  });

  void it("accepts without an execution role what ECS is not known to refuse: secretOptions, an empty secrets list", () => {
    const logConfiguration = { logDriver: "splunk" as const, secretOptions: [{ name: "splunk-token", valueFrom: "/app/splunk-token" }] };
    assert.doesNotThrow(() => normalizeTaskDefinition(td({ containerDefinitions: [c({ logConfiguration, secrets: [] })] })));
  });

  void it("accepts an image digest and a repository of exactly 255 characters", () => {
    const image = `${"r".repeat(255)}@sha256:${"a".repeat(64)}`;
    assert.equal(only(normalizeTaskDefinition(td({ containerDefinitions: [c({ image })] }))).image, image);
  });
});

void describe("compatibilities", () => {
  const cases: ReadonlyArray<readonly [name: string, request: Request, want: string[]]> = [
    ["a bridge definition", td(), ["EC2"]],
    ["an awsvpc definition of a Fargate size, not asking for Fargate", td({ networkMode: "awsvpc", cpu: "512", memory: "1GB" }), ["EC2", "FARGATE"]],
    ["an awsvpc definition of no Fargate size", td({ networkMode: "awsvpc", cpu: "512", memory: "512" }), ["EC2"]],
    ["an awsvpc definition with a privileged container", td({ networkMode: "awsvpc", cpu: "256", memory: "512", containerDefinitions: [c({ privileged: true })] }), ["EC2"]],
    ["a Fargate definition", aFargateTaskDefinition(), ["EC2", "FARGATE"]],
    ["an EXTERNAL definition", td({ requiresCompatibilities: ["EXTERNAL"] }), ["EC2", "EXTERNAL"]],
    ["a MANAGED_INSTANCES definition", td({ requiresCompatibilities: ["MANAGED_INSTANCES"], networkMode: "awsvpc" }), ["EC2", "MANAGED_INSTANCES"]],
    ["EC2 and FARGATE asked together", aFargateTaskDefinition({ requiresCompatibilities: ["EC2", "FARGATE"] }), ["EC2", "FARGATE"]],
  ];
  for (const [name, request, want] of cases) {
    void it(`reports ${JSON.stringify(want)} for ${name}`, () => {
      assert.deepEqual(normalizeTaskDefinition(request).compatibilities, want);
    });
  }
});
