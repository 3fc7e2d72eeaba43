import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bool, duration, ipv4Address, jsonObjectText, nonNegativeInteger, oneOf, portList, portRange, stringList, stringMap, urlList, type Parser } from "./value-parsers.js";

function table<T>(name: string, parser: Parser<T>, good: Array<[string, T]>, bad: string[]): void {
  describe(name, () => {
    for (const [input, value] of good) {
      it(`accepts ${JSON.stringify(input)}`, () => assert.deepEqual(parser(input), { ok: true, value }));
    }
    for (const input of bad) {
      it(`rejects ${JSON.stringify(input)}`, () => assert.equal(parser(input).ok, false));
    }
  });
}

table("bool (Go's ParseBool)", bool, [["true", true], ["1", true], ["T", true], ["False", false], ["0", false], ["f", false]], ["yes", "no", "TRUE ", "on", ""]);
table("nonNegativeInteger", nonNegativeInteger, [["0", 0], ["256", 256], [" 12 ", 12]], ["-1", "1.5", "12MiB", "", "1e3"]);
table("duration", duration, [["30s", 30_000], ["3h", 10_800_000], ["1m30s", 90_000], ["0", 0], ["596h", 2_145_600_000]], ["30", "-1s", "forever", "", "720h"]);
table("oneOf", oneOf(["default", "always"] as const), [["always", "always"], [" default ", "default"]], ["Always", "never"]);
table("portList", portList, [["[22, 2375]", [22, 2375]], ["[]", []], ["[80, 22, 80]", [22, 80]]], ["22,80", "[0]", "[65536]", '["22"]', "[1.5]", "{}"]);
table("stringList", stringList, [['["json-file","none"]', ["json-file", "none"]], ["[]", []]], ["json-file", "[1]", "null"]);
table("stringMap", stringMap, [['{"stack":"prod","tier":"web"}', { stack: "prod", tier: "web" }], ["{}", {}]], ['{"n":1}', '["a"]', "null", '{"":"x"}', "stack=prod"]);
table("jsonObjectText", jsonObjectText, [['{"r":{"auth":"x"}}', '{"r":{"auth":"x"}}']], ["[]", "null", "{", "x"]);
table("portRange", portRange, [["32768-60999", { first: 32768, last: 60999 }], [" 100 - 100 ", { first: 100, last: 100 }]], ["60999-32768", "0-10", "1-65536", "1000", "a-b"]);
table("ipv4Address", ipv4Address, [["0.0.0.0", "0.0.0.0"], ["127.0.0.2", "127.0.0.2"], [" 10.0.0.1 ", "10.0.0.1"], ["127.000.000.003", "127.0.0.3"]], ["localhost", "127.0.0.256", "127.0.0", "::1", "1.2.3.4.5", ""]);
table(
  "urlList",
  urlList,
  [
    ["http://127.0.0.1:4400", ["http://127.0.0.1:4400"]],
    ["https://a:4400,https://b:4400", ["https://a:4400", "https://b:4400"]],
    [" http://a , http://b ", ["http://a", "http://b"]],
  ],
  ["", "http://a,", ",http://a", "127.0.0.1:4400", "ws://a:4400", "http://a,https://b", "http://a,http://a", "http://u:p@a", "http://u@a", "a b"],
);

describe("parser messages", () => {
  it("say what was expected", () => {
    assert.deepEqual(portList("22,80"), { ok: false, expected: "a JSON array of port numbers (1-65535), e.g. [22, 2375]" });
    assert.deepEqual(oneOf(["a", "b"] as const)("c"), { ok: false, expected: "one of a, b" });
  });
});
