import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chunkRange, declaredLength, parseRange, uploadRangeHeader } from "./http-ranges.js";
import { basicCredentials } from "./http-io.js";
import { parseRoute } from "./routes.js";
import { repositoryNameProblem } from "./names.js";

describe("routes", () => {
  const cases: [string, ReturnType<typeof parseRoute>][] = [
    ["/v2/", { kind: "base" }],
    ["/v2", { kind: "base" }],
    ["/v2/_catalog", { kind: "catalog" }],
    ["/v2/a/b/c/tags/list", { kind: "tags", name: "a/b/c" }],
    ["/v2/team/app/manifests/latest", { kind: "manifest", name: "team/app", reference: "latest" }],
    ["/v2/app/blobs/uploads/", { kind: "uploads", name: "app" }],
    ["/v2/app/blobs/uploads/1234-abcd", { kind: "upload", name: "app", id: "1234-abcd" }],
    ["/v2/ns/app/blobs/sha256:abc", { kind: "blob", name: "ns/app", digest: "sha256:abc" }],
    ["/v2/blobs/uploads/", undefined],
    ["/other", undefined],
  ];
  for (const [path, route] of cases) it(path, () => assert.deepEqual(parseRoute(path), route));
});

describe("Range on blob reads", () => {
  const cases: [string | undefined, number, ReturnType<typeof parseRange>][] = [
    [undefined, 10, { kind: "whole" }],
    ["bytes=0-3", 10, { kind: "range", range: { start: 0, end: 3 } }],
    ["bytes=5-", 10, { kind: "range", range: { start: 5, end: 9 } }],
    ["bytes=-4", 10, { kind: "range", range: { start: 6, end: 9 } }],
    ["bytes=-40", 10, { kind: "range", range: { start: 0, end: 9 } }],
    ["bytes=8-100", 10, { kind: "range", range: { start: 8, end: 9 } }],
    ["bytes=10-", 10, { kind: "unsatisfiable" }],
    ["bytes=5-2", 10, { kind: "unsatisfiable" }],
    ["bytes=0-1,4-5", 10, { kind: "whole" }],
    ["items=0-1", 10, { kind: "whole" }],
  ];
  for (const [header, size, expected] of cases) it(`${header} of ${size}`, () => assert.deepEqual(parseRange(header, size), expected));
});

describe("Content-Range on chunk uploads", () => {
  const cases: [string | undefined, { start: number; length: number } | undefined | null][] = [
    [undefined, undefined],
    ["0-99", { start: 0, length: 100 }],
    ["100-199", { start: 100, length: 100 }],
    ["bytes 100-199/*", { start: 100, length: 100 }],
    ["0-0", { start: 0, length: 1 }],
    ["9-3", null],
    ["junk", null],
    ["-5", null],
  ];
  for (const [header, range] of cases) it(String(header), () => assert.deepEqual(chunkRange(header), range));
  it("reads a declared Content-Length, absent for chunked bodies", () => {
    assert.equal(declaredLength(undefined), undefined);
    assert.equal(declaredLength("16"), 16);
    assert.equal(declaredLength("sixteen"), null);
  });
  it("reports received bytes inclusively", () => {
    assert.equal(uploadRangeHeader(0), "0-0");
    assert.equal(uploadRangeHeader(10), "0-9");
  });
});

describe("Basic credentials", () => {
  it("decodes user and password, the password may hold colons", () => {
    assert.deepEqual(basicCredentials(`Basic ${Buffer.from("AWS:a:b").toString("base64")}`), { username: "AWS", password: "a:b" });
  });
  it("rejects other schemes and garbage", () => {
    assert.equal(basicCredentials(undefined), undefined);
    assert.equal(basicCredentials("Bearer x"), undefined);
    assert.equal(basicCredentials(`Basic ${Buffer.from("nocolon").toString("base64")}`), undefined);
  });
});

describe("repository names", () => {
  const valid = ["ab", "team/app", "a.b_c__d-e/f", "x".repeat(256)];
  const invalid = ["a", "App", "a//b", "/a", "a/", "a..b", "a-", "a___b", "x".repeat(257)];
  for (const n of valid) it(`accepts ${n.slice(0, 20)}`, () => assert.equal(repositoryNameProblem(n), undefined));
  for (const n of invalid) it(`refuses ${n.slice(0, 20)}`, () => assert.notEqual(repositoryNameProblem(n), undefined));
});
