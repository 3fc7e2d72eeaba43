import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compilePattern, matchesPattern, PatternError } from "./event-pattern.js";

/** An ECS task state change, trimmed to the fields the cases use. */
const taskStopped = {
  version: "0",
  source: "aws.ecs",
  "detail-type": "ECS Task State Change",
  account: "123456789012",
  region: "us-east-1",
  resources: ["arn:aws:ecs:us-east-1:123456789012:task/default/abc"],
  detail: {
    clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/default",
    lastStatus: "STOPPED",
    desiredStatus: "STOPPED",
    stopCode: "EssentialContainerExited",
    startedBy: "ecs-svc/123",
    version: 4,
    group: "family:web",
    containers: [
      { name: "app", exitCode: 1, lastStatus: "STOPPED" },
      { name: "sidecar", exitCode: 0, lastStatus: "STOPPED" },
    ],
    attachments: [],
    nothing: null,
    ip: "10.0.3.7",
  },
};

const cases: Array<[string, object, boolean]> = [
  ["exact values, arrays as OR", { source: ["aws.ecs"], "detail-type": ["ECS Task State Change", "ECS Container Instance State Change"] }, true],
  ["an exact value the event does not have", { source: ["aws.ec2"] }, false],
  ["nested detail fields", { detail: { lastStatus: ["STOPPED"], stopCode: ["EssentialContainerExited"] } }, true],
  ["a nested field with another value", { detail: { lastStatus: ["STOPPED"], stopCode: ["UserInitiated"] } }, false],
  ["a field the event lacks", { detail: { stoppedReason: ["x"] } }, false],
  ["a nested object the event lacks", { detail: { overrides: { cpu: ["1"] } } }, false],
  ["prefix", { detail: { group: [{ prefix: "family:" }] } }, true],
  ["prefix that does not match", { detail: { group: [{ prefix: "service:" }] } }, false],
  ["prefix ignoring case", { detail: { group: [{ prefix: { "equals-ignore-case": "FAMILY:" } }] } }, true],
  ["suffix", { detail: { group: [{ suffix: ":web" }] } }, true],
  ["equals-ignore-case", { detail: { lastStatus: [{ "equals-ignore-case": "stopped" }] } }, true],
  ["anything-but a value", { detail: { stopCode: [{ "anything-but": "UserInitiated" }] } }, true],
  ["anything-but the value it has", { detail: { stopCode: [{ "anything-but": ["UserInitiated", "EssentialContainerExited"] }] } }, false],
  ["anything-but a prefix it has", { detail: { startedBy: [{ "anything-but": { prefix: "ecs-svc/" } }] } }, false],
  ["anything-but a prefix it lacks", { detail: { startedBy: [{ "anything-but": { prefix: "events-rule/" } }] } }, true],
  ["anything-but on a missing field", { detail: { stoppedReason: [{ "anything-but": "x" }] } }, false],
  ["numeric range", { detail: { version: [{ numeric: [">", 3, "<=", 4] }] } }, true],
  ["numeric range it is outside", { detail: { version: [{ numeric: [">=", 5] }] } }, false],
  ["numeric equality", { detail: { version: [{ numeric: ["=", 4] }] } }, true],
  ["numeric on a string", { detail: { lastStatus: [{ numeric: [">", 0] }] } }, false],
  ["exists true", { detail: { stopCode: [{ exists: true }] } }, true],
  ["exists false on a present field", { detail: { stopCode: [{ exists: false }] } }, false],
  ["exists false on an absent field", { detail: { stoppedReason: [{ exists: false }] } }, true],
  ["exists false under an absent object", { detail: { overrides: { cpu: [{ exists: false }] } } }, true],
  ["an event array matches when any element does", { detail: { containers: { exitCode: [1] } } }, true],
  ["an event array none of whose elements match", { detail: { containers: { exitCode: [137] } } }, false],
  ["resources (an array) by prefix", { resources: [{ prefix: "arn:aws:ecs:us-east-1:123456789012:task/" }] }, true],
  ["null matches a null field", { detail: { nothing: [null] } }, true],
  ["null does not match an absent field", { detail: { absent: [null] } }, false],
  ["wildcard", { detail: { clusterArn: [{ wildcard: "arn:aws:ecs:*:cluster/def*" }] } }, true],
  ["wildcard that does not match", { detail: { clusterArn: [{ wildcard: "*:cluster/prod" }] } }, false],
  ["cidr", { detail: { ip: [{ cidr: "10.0.0.0/16" }] } }, true],
  ["cidr outside", { detail: { ip: [{ cidr: "10.1.0.0/16" }] } }, false],
  ["$or, one branch matching", { source: ["aws.ecs"], $or: [{ detail: { stopCode: ["UserInitiated"] } }, { detail: { lastStatus: ["STOPPED"] } }] }, true],
  ["$or, no branch matching", { $or: [{ detail: { stopCode: ["UserInitiated"] } }, { detail: { lastStatus: ["RUNNING"] } }] }, false],
  ["numbers match exactly", { detail: { version: [4] } }, true],
  ["a number does not match its string", { detail: { version: ["4"] } }, false],
];

describe("event patterns (EventBridge content filtering)", () => {
  for (const [what, pattern, expected] of cases) {
    it(`${expected ? "matches" : "does not match"}: ${what}`, () => {
      assert.equal(matchesPattern(compilePattern(JSON.stringify(pattern)), taskStopped), expected);
    });
  }

  const invalid: Array<[string, string, RegExp]> = [
    ["not JSON", "{", /not valid JSON/],
    ["not an object", "[1]", /must be a JSON object/],
    ["an empty pattern", "{}", /at least one field/],
    ["a bare value", JSON.stringify({ source: "aws.ecs" }), /'source' must be an object or an array/],
    ["an empty array", JSON.stringify({ source: [] }), /'source' is empty/],
    ["an unknown operator", JSON.stringify({ detail: { a: [{ between: 1 }] } }), /unrecognized match type 'between' at 'detail\.a'/],
    ["two operators in one object", JSON.stringify({ a: [{ prefix: "x", suffix: "y" }] }), /exactly one operator/],
    ["prefix of a number", JSON.stringify({ a: [{ prefix: 5 }] }), /prefix at 'a' takes a string/],
    ["exists with a string", JSON.stringify({ a: [{ exists: "yes" }] }), /true or false/],
    ["numeric with an odd list", JSON.stringify({ a: [{ numeric: [">", 1, "<"] }] }), /one or two comparisons/],
    ["numeric with an unknown operator", JSON.stringify({ a: [{ numeric: ["!=", 1] }] }), /unknown operator/],
    ["numeric with two lower bounds", JSON.stringify({ a: [{ numeric: [">", 1, ">", 2] }] }), /lower bound then an upper bound/],
    ["anything-but with an object value", JSON.stringify({ a: [{ "anything-but": { wildcard: "x" } }] }), /anything-but at 'a'/],
    ["a nested array of arrays", JSON.stringify({ a: [["x"]] }), /match values at 'a'/],
    ["$or with one branch", JSON.stringify({ $or: [{ a: ["x"] }] }), /\$or/],
    ["a bad cidr", JSON.stringify({ a: [{ cidr: "10.0.0.0/40" }] }), /IPv4 block/],
    ["consecutive wildcards", JSON.stringify({ a: [{ wildcard: "a**b" }] }), /consecutive/],
  ];
  for (const [what, text, reason] of invalid) {
    it(`refuses ${what}`, () => {
      assert.throws(() => compilePattern(text), (e: unknown) => e instanceof PatternError && reason.test(e.message));
    });
  }
});
