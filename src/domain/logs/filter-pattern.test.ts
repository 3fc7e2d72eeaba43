import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventFields } from "./delimited-pattern.js";
import { matchesFilter, parseFilterPattern, type FilterPattern } from "./filter-pattern.js";

function compiled(pattern: string): FilterPattern {
  const p = parseFilterPattern(pattern);
  assert.ok(!("invalid" in p), `${pattern}: ${"invalid" in p ? p.invalid : ""}`);
  return p;
}

/** [pattern, message, matches] */
type Case = readonly [string, string, boolean];

function table(cases: readonly Case[]) {
  for (const [pattern, message, expected] of cases) {
    it(`${pattern} ${expected ? "matches" : "does not match"} ${JSON.stringify(message)}`, () => {
      assert.equal(matchesFilter(compiled(pattern), message), expected);
    });
  }
}

describe("terms (unstructured events)", () => {
  table([
    ["", "anything at all", true],
    ["ERROR", "[ERROR 400] BAD REQUEST", true],
    ["ERROR", "[INFO] all good", false],
    ["ERROR", "error: lower case", false],
    ["ERROR", "ERRORS everywhere", false],
    ["Exception", "java.lang.NullPointerException", false],
    ["ERROR Exception", "ERROR: an Exception was thrown", true],
    ["ERROR Exception", "ERROR: something else", false],
    ['"BAD REQUEST"', "[ERROR 400] BAD REQUEST", true],
    ['"BAD REQUEST"', "BAD, REQUEST", false],
    ['"ERROR 400"', "[ERROR 400] BAD REQUEST", true],
    ["ERROR -400", "[ERROR 400] BAD REQUEST", false],
    ["ERROR -400", "[ERROR 401] UNAUTHORIZED REQUEST", true],
    ["-DEBUG", "INFO started", true],
    ["-DEBUG", "DEBUG details", false],
    ["?ERROR ?WARN", "WARN disk almost full", true],
    ["?ERROR ?WARN", "ERROR disk full", true],
    ["?ERROR ?WARN", "INFO disk fine", false],
    ["%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST", true],
    ["%^\\[ERROR%", "[ERROR 401] UNAUTHORIZED REQUEST", true],
    ["%^\\[ERROR%", "x [ERROR 401]", false],
    ['"user@example.com"', "login by user@example.com ok", true],
    ["404", "GET /x 404 12ms", true],
    ["404", "GET /x 4040 12ms", false],
  ]);
});

describe("JSON patterns", () => {
  const error = '{"level":"error","latency":250,"user":{"id":1,"name":"ana"},"tags":["a","b"],"ok":false,"gone":null}';
  const info = '{"level":"info","latency":50,"user":{"id":2,"name":"bo"},"ok":true}';
  table([
    ['{ $.level = "error" }', error, true],
    ['{ $.level = "error" }', info, false],
    ["{ $.level = error }", error, true],
    ['{ $.level != "error" }', info, true],
    ['{ $.level = "err*" }', error, true],
    ["{ $.latency > 100 }", error, true],
    ["{ $.latency > 100 }", info, false],
    ["{ $.latency <= 50 }", info, true],
    ["{ $.latency = 250 }", error, true],
    ["{ $.user.id = 1 }", error, true],
    ['{ $.user.name = "bo" }', info, true],
    ['{ $.tags[1] = "b" }', error, true],
    ['{ $.tags[2] = "b" }', error, false],
    ['{ $.level = "error" && $.latency > 100 }', error, true],
    ['{ $.level = "error" && $.latency > 1000 }', error, false],
    ['{ $.level = "info" || $.latency > 100 }', error, true],
    ['{ ($.level = "info" || $.level = "error") && $.latency > 200 }', error, true],
    ['{ ($.level = "info" || $.level = "error") && $.latency > 200 }', info, false],
    ['{ $.level = "x" && $.ok IS TRUE || $.latency < 60 }', info, true],
    ["{ $.ok IS FALSE }", error, true],
    ["{ $.ok IS TRUE }", error, false],
    ["{ $.gone IS NULL }", error, true],
    ["{ $.missing IS NULL }", error, false],
    ["{ $.missing NOT EXISTS }", error, true],
    ["{ $.gone NOT EXISTS }", error, false],
    ["{ $.user EXISTS }", info, true],
    ["{ $.missing > 1 }", error, false],
    ["{ $.missing != 1 }", error, false],
    ['{ $.level = %^er+or$% }', error, true],
    ['{ $.level = "error" }', "not json at all", false],
    ['{ $.level = "error" }', `2026-11-29T06:00:00Z ${error}`, true],
    ['{ $.level = "error" }', "[1, 2]", false],
  ]);
});

describe("space-delimited patterns", () => {
  const apache = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534';
  const failed = '10.0.0.7 - ana [10/Oct/2000:13:25:16 -0700] "POST /login HTTP/1.1" 503 20480';
  table([
    ["[ip, id, user, timestamp, request, status, size]", apache, true],
    ["[ip, id, user, timestamp, request, status]", apache, false],
    ["[ip, id, user, timestamp, request, status=200, size]", apache, true],
    ["[ip, id, user, timestamp, request, status=5*, size]", apache, false],
    ["[ip, id, user, timestamp, request, status=5*, size]", failed, true],
    ["[ip, ..., status=5*, size>1000]", failed, true],
    ["[ip, ..., status=5*, size>100000]", failed, false],
    ["[ip=10.*, ...]", failed, true],
    ["[ip=10.*, ...]", apache, false],
    ["[..., status=4* || status=5*, size]", failed, true],
    ["[..., status=4* || status=5*, size]", apache, false],
    ["[..., status>=200 && status<300, size]", apache, true],
    ['[ip, id, user=frank, ...]', apache, true],
    ['[ip, id, user!=frank, ...]', apache, false],
    ['[ip, id, user, timestamp, request="GET *", ...]', apache, true],
    ["[..., size]", "", false],
    ["[...]", "", true],
  ]);

  it("splits fields on spaces, keeping quoted and bracketed text whole", () => {
    assert.deepEqual(eventFields(apache), ["127.0.0.1", "-", "frank", "10/Oct/2000:13:25:15 -0700", "GET /apache_pb.gif HTTP/1.0", "200", "1534"]);
  });
});

describe("invalid patterns are refused, saying why", () => {
  for (const bad of ['"unterminated', "{ $.level = }", "{ level = 1 }", "{ $.a > abc }", "{ ($.a = 1 }", "[a,, b]", "[a > x]", "[a=1 || b=2]", "%(group)%", "{ $.a IS MAYBE }", "- x", "x".repeat(1025)]) {
    it(JSON.stringify(bad.slice(0, 40)), () => {
      const p = parseFilterPattern(bad);
      assert.ok("invalid" in p, `expected ${bad} to be refused`);
      assert.ok(p.invalid.length > 0);
    });
  }
});
