import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PgType } from "./tables.js";
import { toPostgres } from "./values.js";

describe("store copy: a SQLite value as the parameter of its PostgreSQL column", () => {
  const cases: { type: PgType; value: unknown; gives: unknown; why: string }[] = [
    { type: "bigint", value: 9_007_199_254_740_993n, gives: "9007199254740993", why: "beyond 2^53, exact as text (a number would round it)" },
    { type: "bigint", value: -1n, gives: "-1", why: "negative" },
    { type: "bigint", value: 42, gives: "42", why: "a plain integer number" },
    { type: "integer", value: 8080n, gives: 8080, why: "a port" },
    { type: "double precision", value: 1_700_000_000_000.25, gives: 1_700_000_000_000.25, why: "a fraction of a millisecond, kept (schedules' next run)" },
    { type: "double precision", value: 3n, gives: 3, why: "an integral REAL comes back as an integer" },
    { type: "boolean", value: 1n, gives: true, why: "SQLite's 1" },
    { type: "boolean", value: 0n, gives: false, why: "SQLite's 0" },
    { type: "json", value: '{"a":"x\\u0000y"}', gives: '{"a":"x\\u0000y"}', why: "a document as written, its escaped NUL included" },
    { type: "text", value: "naïve ✓", gives: "naïve ✓", why: "text" },
    { type: "bytea", value: "a\u0000b é", gives: Buffer.from("a\u0000b é", "utf8"), why: "a log message: its UTF-8 bytes, NUL included" },
    { type: "bytea", value: Buffer.from([1, 2, 3]), gives: Buffer.from([1, 2, 3]), why: "a blob as is" },
    { type: "text", value: null, gives: null, why: "NULL stays NULL" },
    { type: "boolean", value: null, gives: null, why: "NULL stays NULL, whatever the type" },
  ];
  for (const c of cases) {
    it(`${c.type}: ${c.why}`, () => assert.deepEqual(toPostgres(c.type, c.value), c.gives));
  }

  const refused: { type: PgType; value: unknown; says: RegExp }[] = [
    { type: "text", value: "a\u0000b", says: /U\+0000/ },
    { type: "bigint", value: 1.5, says: /the number 1\.5 does not fit a bigint column/ },
    { type: "integer", value: 2n ** 31n, says: /does not fit a integer column/ },
    { type: "boolean", value: 2n, says: /does not fit a boolean column/ },
    { type: "json", value: Buffer.from("{}"), says: /a blob of 2 bytes/ },
    { type: "double precision", value: "1.5", says: /the text "1\.5"/ },
  ];
  for (const r of refused) {
    it(`refuses ${String(r.value)} for ${r.type}, saying why`, () => assert.throws(() => toPostgres(r.type, r.value), r.says));
  }
});
