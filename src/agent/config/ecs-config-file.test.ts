import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AgentConfigError } from "./config-error.js";
import { parseEcsConfigFile } from "./ecs-config-file.js";

describe("parseEcsConfigFile", () => {
  it("reads KEY=VALUE lines, skipping blanks and comments, JSON values intact", () => {
    const text = [
      "# written by user data",
      "ECS_CLUSTER=prod",
      "",
      "   # indented comment",
      'ECS_INSTANCE_ATTRIBUTES={"stack":"a#b"}',
      "ECS_RESERVED_PORTS=[22, 80]\r",
      "ECS_LOGLEVEL = debug",
    ].join("\n");
    assert.deepEqual(
      [...parseEcsConfigFile(text)],
      [
        ["ECS_CLUSTER", "prod"],
        ["ECS_INSTANCE_ATTRIBUTES", '{"stack":"a#b"}'],
        ["ECS_RESERVED_PORTS", "[22, 80]"],
        ["ECS_LOGLEVEL", "debug"],
      ],
    );
  });

  const values: Array<[string, string]> = [
    ['ECS_CLUSTER="quoted"', "quoted"],
    ["ECS_CLUSTER='single'", "single"],
    ['ECS_CLUSTER="unbalanced', '"unbalanced'],
    ["ECS_CLUSTER=", ""],
    ["ECS_CLUSTER=a=b", "a=b"],
  ];
  for (const [line, value] of values) {
    it(`${line} → ${JSON.stringify(value)}`, () => assert.equal(parseEcsConfigFile(line).get("ECS_CLUSTER"), value));
  }

  it("keeps the last value of a key given twice", () => {
    assert.equal(parseEcsConfigFile("ECS_CLUSTER=a\nECS_CLUSTER=b").get("ECS_CLUSTER"), "b");
  });

  it("names every malformed line with its number", () => {
    assert.throws(
      () => parseEcsConfigFile("ECS_CLUSTER=a\nnot a setting\n1BAD=x", "/etc/ecs/ecs.config"),
      (e: unknown) =>
        e instanceof AgentConfigError &&
        e.problems.length === 2 &&
        e.problems[0] === '/etc/ecs/ecs.config line 2: expected KEY=VALUE, got "not a setting"' &&
        e.problems[1]!.startsWith("/etc/ecs/ecs.config line 3:"),
    );
  });
});
