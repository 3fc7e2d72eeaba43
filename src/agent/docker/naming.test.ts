import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  agentLabelKeys,
  agentLabels,
  containerLabels,
  decodeNameSuffix,
  dockerContainerName,
  dockerObjectName,
  nameSuffix,
  parseAgentLabels,
  randomInt63,
  type ContainerIdentity,
} from "./naming.js";

const anIdentity = (overrides: Partial<ContainerIdentity> = {}): ContainerIdentity => ({
  taskArn: "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef",
  containerName: "web",
  family: "hello_world",
  revision: 8,
  cluster: "default",
  ...overrides,
});

const int63 = fc.bigInt({ min: 0n, max: (1n << 63n) - 2n });

describe("nameSuffix", () => {
  it("round-trips the suffix of a real ECS container name (ecs-hello_world-8-mysql-fcae8ac8f9f1d89d8301)", () => {
    const n = decodeNameSuffix("fcae8ac8f9f1d89d8301");
    assert.notEqual(n, undefined);
    assert.equal(nameSuffix(n!), "fcae8ac8f9f1d89d8301");
  });

  for (const [n, hex] of [
    [0n, "00000000000000000000"],
    [1n, "02000000000000000000"],
    [63n, "7e000000000000000000"],
    [64n, "80010000000000000000"],
    [(1n << 63n) - 2n, "fcffffffffffffffff01"],
  ] as const) {
    it(`encodes ${n} as a zig-zag varint padded to 10 bytes: ${hex}`, () => {
      assert.equal(nameSuffix(n), hex);
    });
  }

  it("rejects numbers outside [0, 2^63 - 1)", () => {
    assert.throws(() => nameSuffix(-1n), RangeError);
    assert.throws(() => nameSuffix((1n << 63n) - 1n), RangeError);
  });

  it("always has 20 lowercase hex digits and decodes back (property)", () => {
    fc.assert(
      fc.property(int63, (n) => {
        const s = nameSuffix(n);
        assert.match(s, /^[0-9a-f]{20}$/);
        assert.equal(decodeNameSuffix(s), n);
      }),
    );
  });

  it("refuses to decode what it cannot have made", () => {
    for (const bad of ["", "zz", "01000000000000000000", "00010000000000000000", "ffffffffffffffffffff"]) {
      assert.equal(decodeNameSuffix(bad), undefined, bad);
    }
  });
});

describe("randomInt63", () => {
  it("masks the top bit of 8 random bytes", () => {
    assert.equal(randomInt63(() => new Uint8Array(8).fill(0xff)), 0n); // 2^63 - 1 is out of range: folded to 0
    assert.equal(randomInt63(() => Uint8Array.from([0x80, 0, 0, 0, 0, 0, 0, 5])), 5n);
  });

  it("draws from crypto by default and stays in range", () => {
    for (let i = 0; i < 50; i++) {
      const n = randomInt63();
      assert.ok(n >= 0n && n < (1n << 63n) - 1n);
    }
  });
});

describe("dockerContainerName", () => {
  const cases: Array<[string, Partial<ContainerIdentity>, string]> = [
    ["plain names", {}, "ecs-hello_world-8-web-00000000000000000000"],
    ["underscores in the container name are dropped", { containerName: "my_app" }, "ecs-hello_world-8-myapp-00000000000000000000"],
    ["hyphens and digits are kept", { containerName: "api-v2" }, "ecs-hello_world-8-api-v2-00000000000000000000"],
    ["the family keeps its underscores", { family: "a_b-c" }, "ecs-a_b-c-8-web-00000000000000000000"],
    ["a string revision", { revision: "12" }, "ecs-hello_world-12-web-00000000000000000000"],
  ];
  for (const [title, overrides, expected] of cases) {
    it(title, () => assert.equal(dockerContainerName(anIdentity(overrides), nameSuffix(0n)), expected));
  }

  it("is always a valid Docker name (property)", () => {
    const family = fc.stringMatching(/^[A-Za-z0-9_-]{1,255}$/);
    const containerName = fc.stringMatching(/^[A-Za-z0-9_-]{1,255}$/);
    fc.assert(
      fc.property(family, fc.integer({ min: 1, max: 1_000_000 }), containerName, int63, (f, r, c, n) => {
        const name = dockerObjectName({ family: f, revision: r, name: c }, nameSuffix(n));
        assert.match(name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
      }),
    );
  });
});

describe("labels", () => {
  it("writes the five agent labels", () => {
    assert.deepEqual(agentLabels(anIdentity()), {
      "com.amazonaws.ecs.task-arn": anIdentity().taskArn,
      "com.amazonaws.ecs.container-name": "web",
      "com.amazonaws.ecs.task-definition-family": "hello_world",
      "com.amazonaws.ecs.task-definition-version": "8",
      "com.amazonaws.ecs.cluster": "default",
    });
  });

  it("keeps user labels but never lets them override the agent's", () => {
    const labels = containerLabels(
      { team: "blue", [agentLabelKeys.taskArn]: "forged", [agentLabelKeys.cluster]: "other" },
      anIdentity(),
    );
    assert.equal(labels.team, "blue");
    assert.equal(labels[agentLabelKeys.taskArn], anIdentity().taskArn);
    assert.equal(labels[agentLabelKeys.cluster], "default");
  });

  it("parses back what it wrote (re-adoption after a restart)", () => {
    assert.deepEqual(parseAgentLabels(containerLabels({ x: "y" }, anIdentity())), {
      taskArn: anIdentity().taskArn,
      containerName: "web",
      family: "hello_world",
      revision: "8",
      cluster: "default",
    });
  });

  const foreign: Array<[string, Record<string, string> | undefined]> = [
    ["no labels", undefined],
    ["unrelated labels", { "com.docker.compose.project": "x" }],
    ["a task ARN but no container name", { [agentLabelKeys.taskArn]: "arn" }],
    ["an empty task ARN", { [agentLabelKeys.taskArn]: "", [agentLabelKeys.containerName]: "web" }],
  ];
  for (const [title, labels] of foreign) {
    it(`ignores containers with ${title}`, () => assert.equal(parseAgentLabels(labels), undefined));
  }

  it("accepts containers missing the optional labels", () => {
    const parsed = parseAgentLabels({ [agentLabelKeys.taskArn]: "arn:t", [agentLabelKeys.containerName]: "c" });
    assert.deepEqual(parsed, { taskArn: "arn:t", containerName: "c", family: undefined, revision: undefined, cluster: undefined });
  });
});
