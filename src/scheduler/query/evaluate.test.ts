import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate, type QueryTarget } from "./evaluate.js";
import { parseExpression } from "./parser.js";

interface Facts {
  attributes?: Record<string, string | null>;
  agentConnected?: boolean;
  agentVersion?: string;
  ec2InstanceId?: string;
  registeredAt?: string;
  runningTasksCount?: number;
  groups?: Record<string, number>;
}

function aTarget(facts: Facts = {}): QueryTarget {
  const attributes = new Map(Object.entries({ "ecs.instance-type": "t2.small", "ecs.availability-zone": "us-east-1a", ...facts.attributes }));
  const groups = new Map(Object.entries(facts.groups ?? {}));
  return {
    attribute: (name) => attributes.get(name),
    agentConnected: facts.agentConnected ?? true,
    agentVersion: facts.agentVersion ?? "1.20.0",
    ec2InstanceId: facts.ec2InstanceId ?? "i-abcd1234",
    registeredAtMs: Date.parse(facts.registeredAt ?? "2018-06-18T12:00:00Z"),
    runningTasksCount: facts.runningTasksCount ?? 0,
    taskGroupCount: (g) => groups.get(g) ?? 0,
    taskGroups: () => [...groups.keys()],
  };
}

void describe("evaluate", () => {
  const cases: [string, Facts, boolean][] = [
    // The ECS documentation's examples.
    ["attribute:ecs.instance-type == t2.small", {}, true],
    ["attribute:ecs.instance-type == t2.small", { attributes: { "ecs.instance-type": "t2.medium" } }, false],
    ["attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", {}, true],
    ["attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", { attributes: { "ecs.availability-zone": "us-east-1c" } }, false],
    ["attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d", { attributes: { "ecs.instance-type": "g2.2xlarge" } }, true],
    ["attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d", { attributes: { "ecs.instance-type": "g2.2xlarge", "ecs.availability-zone": "us-east-1d" } }, false],
    ["attribute:ecs.instance-type =~ t2.*", {}, true],
    ["task:group == service:production", { groups: { "service:production": 2 } }, true],
    ["task:group == service:production", { groups: { "service:staging": 2 } }, false],
    ["not(task:group == database)", { groups: { database: 1 } }, false],
    ["not(task:group == database)", {}, true],
    ["runningTasksCount == 1", { runningTasksCount: 1 }, true],
    ["runningTasksCount == 1", { runningTasksCount: 2 }, false],
    ["agentVersion < 1.14.5", { agentVersion: "1.14.4" }, true],
    ["agentVersion < 1.14.5", { agentVersion: "1.9.0" }, true],
    ["agentVersion < 1.14.5", { agentVersion: "1.14.5" }, false],
    ["agentVersion < 1.14.5", { agentVersion: "1.105.1" }, false],
    ["registeredAt < 2018-02-13", { registeredAt: "2018-02-12T23:59:59Z" }, true],
    ["registeredAt < 2018-02-13", { registeredAt: "2018-02-13T00:00:00Z" }, false],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", {}, true],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", { ec2InstanceId: "i-other" }, false],
    ["attribute:stack == prod", { attributes: { stack: "prod" } }, true],
    ["attribute:stack != prod", { attributes: { stack: "dev" } }, true],
    ["attribute:stack != prod", { attributes: { stack: "prod" } }, false],
    // A comparison with a missing attribute is false, whatever the operator.
    ["attribute:stack != prod", {}, false],
    ["attribute:stack !in [prod]", {}, false],
    ["attribute:stack !~ prod", {}, false],
    ["attribute:stack exists", { attributes: { stack: null } }, true],
    ["attribute:stack exists", {}, false],
    ["attribute:stack !exists", {}, true],
    ["attribute:stack not_exists", { attributes: { stack: "x" } }, false],
    // Ordering of attributes: numeric when both are numbers, else by string.
    ["attribute:disk > 100", { attributes: { disk: "250" } }, true],
    ["attribute:disk > 100", { attributes: { disk: "99" } }, false],
    ["attribute:disk >= 100", { attributes: { disk: "100" } }, true],
    ["attribute:disk <= 100", { attributes: { disk: "100.5" } }, false],
    ["attribute:tier < m", { attributes: { tier: "gold" } }, true],
    ["attribute:tier greater_than m", { attributes: { tier: "gold" } }, false],
    // Patterns match the whole value (Java's Pattern.matches).
    ["attribute:ecs.instance-type =~ t2", {}, false],
    ["attribute:ecs.instance-type matches 't2\\.(small|medium)'", {}, true],
    ["attribute:ecs.instance-type !~ m5.*", {}, true],
    ["attribute:ecs.instance-type not_matches t2.*", {}, false],
    // agentConnected and ec2InstanceId.
    ["agentConnected == true", {}, true],
    ["agentConnected == false", {}, false],
    ["agentConnected != true", { agentConnected: false }, true],
    ["agentConnected in [false]", { agentConnected: false }, true],
    ["ec2InstanceId =~ i-abcd.*", {}, true],
    ["ec2InstanceId !in [i-abcd1234]", {}, false],
    // runningTasksCount and registeredAt ordering.
    ["runningTasksCount > 3", { runningTasksCount: 4 }, true],
    ["runningTasksCount >= 4", { runningTasksCount: 4 }, true],
    ["runningTasksCount != 0", { runningTasksCount: 0 }, false],
    ["runningTasksCount <= 0", { runningTasksCount: 0 }, true],
    ["registeredAt > 2018-06-18T11:00:00+00:00", {}, true],
    ["registeredAt > 2018-06-18T14:00:00+03:00", {}, true], // 11:00Z
    ["registeredAt == 2018-06-18T12:00:00", {}, true], // no zone: UTC
    ["registeredAt greater_than_equal 2018-06-19", {}, false],
    // task:group over the set of groups.
    ["task:group != database", { groups: { web: 1 } }, true],
    ["task:group in [database, cache]", { groups: { cache: 1 } }, true],
    ["task:group !in [database, cache]", { groups: { cache: 1 } }, false],
    ["task:group =~ service:.*", { groups: { "service:web": 1 } }, true],
    ["task:group !~ service:.*", { groups: { "family:batch": 1 } }, true],
    // Boolean structure.
    ["attribute:a == 1 or attribute:b == 2 and attribute:c == 3", { attributes: { a: "1" } }, true],
    ["(attribute:a == 1 or attribute:b == 2) and attribute:c == 3", { attributes: { a: "1" } }, false],
    ["!attribute:a exists && not attribute:b exists", {}, true],
    ["attribute:a exists || attribute:b exists", { attributes: { b: "x" } }, true],
  ];
  for (const [text, facts, expected] of cases) {
    void it(`${text} on ${JSON.stringify(facts)} is ${expected}`, () => assert.equal(evaluate(parseExpression(text), aTarget(facts)), expected));
  }
});
