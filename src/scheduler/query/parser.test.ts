import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { subjectText, type Expression } from "./ast.js";
import { parseExpression } from "./parser.js";
import { QuerySyntaxError } from "./syntax-error.js";

/** A compact rendering of a tree, so that expected shapes read as text. */
function show(e: Expression): string {
  switch (e.kind) {
    case "and":
    case "or":
      return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case "not":
      return `not ${show(e.operand)}`;
    case "comparison": {
      const a = e.argument;
      const arg = a.kind === "none" ? "" : a.kind === "list" ? ` [${a.values.map((v) => v.text).join("|")}]` : a.kind === "pattern" ? ` /${a.text}/` : ` ${a.value.text}`;
      return `${subjectText(e.subject)} ${e.operator}${arg}`;
    }
  }
}

void describe("parseExpression", () => {
  const cases: [string, string][] = [
    // The ECS documentation's own examples.
    ["attribute:ecs.instance-type == t2.small", "attribute:ecs.instance-type == t2.small"],
    ["attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", "attribute:ecs.availability-zone in [us-east-1a|us-east-1b]"],
    [
      "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
      "(attribute:ecs.instance-type =~ /g2.*/ and attribute:ecs.availability-zone != us-east-1d)",
    ],
    ["task:group == service:production", "task:group == service:production"],
    ["not(task:group == database)", "not task:group == database"],
    ["runningTasksCount == 1", "runningTasksCount == 1"],
    ["agentVersion < 1.14.5", "agentVersion < 1.14.5"],
    ["registeredAt < 2018-02-13", "registeredAt < 2018-02-13"],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", "ec2InstanceId in [i-abcd1234|i-wxyx7890]"],
    ["attribute:stack exists", "attribute:stack exists"],
    ["attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a", "(attribute:ecs.instance-type =~ /t2.*/ and attribute:ecs.availability-zone == us-east-1a)"],
    // Word forms of every operator.
    ["attribute:a equals x", "attribute:a == x"],
    ["attribute:a not_equals x", "attribute:a != x"],
    ["attribute:a greater_than 1", "attribute:a > 1"],
    ["attribute:a greater_than_equal 1", "attribute:a >= 1"],
    ["attribute:a less_than 1", "attribute:a < 1"],
    ["attribute:a less_than_equal 1", "attribute:a <= 1"],
    ["attribute:a not_exists", "attribute:a !exists"],
    ["attribute:a !exists", "attribute:a !exists"],
    ["attribute:a not_in [x]", "attribute:a !in [x]"],
    ["attribute:a !in [x, y]", "attribute:a !in [x|y]"],
    ["attribute:a matches 'x|y'", "attribute:a =~ /x|y/"],
    ["attribute:a not_matches x.*", "attribute:a !~ /x.*/"],
    ["attribute:a !~ x.*", "attribute:a !~ /x.*/"],
    // Boolean operators, precedence and grouping.
    ["attribute:a == 1 or attribute:b == 2 and attribute:c == 3", "(attribute:a == 1 or (attribute:b == 2 and attribute:c == 3))"],
    ["(attribute:a == 1 || attribute:b == 2) && attribute:c == 3", "((attribute:a == 1 or attribute:b == 2) and attribute:c == 3)"],
    ["! attribute:a exists", "not attribute:a exists"],
    ["!(attribute:a exists)", "not attribute:a exists"],
    ["not not agentConnected == true", "not not agentConnected == true"],
    ["attribute:stack==prod", "attribute:stack == prod"],
    ["registeredAt >= 2018-06-18T22:28:28+00:00", "registeredAt >= 2018-06-18T22:28:28+00:00"],
    ['attribute:name == "with space"', "attribute:name == with space"],
  ];
  for (const [text, expected] of cases) {
    void it(`parses ${text}`, () => assert.equal(show(parseExpression(text)), expected));
  }

  const errors: [string, string, number][] = [
    ["attribute:a == ", "", 15],
    ["attribute:a", "", 11],
    ["attribute:a == x)", ")", 16],
    ["(attribute:a == x", "", 17],
    ["attribute:a == x and", "", 20],
    ["bogus == 1", "bogus", 0],
    ["attribute: == 1", "attribute:", 0],
    ["attribute:a = 1", "=", 12],
    ["attribute:a in x", "x", 15],
    ["attribute:a in [x y]", "y", 18],
    ["attribute:a == x y", "y", 17],
    ["agentVersion =~ 1.*", "=~", 13],
    ["runningTasksCount exists", "exists", 18],
    ["runningTasksCount > many", "many", 20],
    ["agentVersion < latest", "latest", 15],
    ["registeredAt < yesterday", "yesterday", 15],
    ["registeredAt < 2018-02-30", "2018-02-30", 15],
    ["agentConnected == maybe", "maybe", 18],
    ["attribute:a =~ '('", "(", 15],
    ["attribute:a == 'open", "'open", 15],
    ["task:group > x", ">", 11],
  ];
  for (const [text, token, position] of errors) {
    void it(`rejects ${JSON.stringify(text)} at ${position}`, () => {
      assert.throws(
        () => parseExpression(text),
        (e: unknown) => e instanceof QuerySyntaxError && e.token === token && e.position === position && e.message.includes(`position ${position}`),
      );
    });
  }

  void it("names the token in the message", () => {
    assert.throws(() => parseExpression("attribute:a == x )"), /unexpected token '\)' at position 17/);
  });
});
