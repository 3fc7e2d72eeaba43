import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { checkNewName, checkPath, parseRef } from "./names.js";

const p: Partition = { region: "us-east-1", accountId: "123456789012" };
const refusedWith = (code: string, message?: RegExp) => (e: unknown) => e instanceof AwsError && e.code === code && (message === undefined || message.test(e.message));
const levels = (n: number) => `/${Array.from({ length: n }, (_, i) => `l${i}`).join("/")}`;

describe("parameter names (PutParameter)", () => {
  it("takes letters, digits and _.- with / between levels, a hierarchy starting with /; spaces around the name are removed", () => {
    for (const ok of ["plain", "a.b-c_d", "/a", "/Dev/DBServer/MySQL/db-string13", levels(15)]) assert.equal(checkNewName(ok, p), ok);
    assert.equal(checkNewName("  /x/y ", p), "/x/y");
  });

  it("refuses other characters, a hierarchy without its leading /, empty levels", () => {
    for (const bad of ["a b", "/a b", "a/b", "/a//b", "/a/", "/", "a:b", "é", "a*"]) assert.throws(() => checkNewName(bad, p), refusedWith("ValidationException", /sub-paths divided by slash/), bad);
  });

  it("refuses names beginning with aws or ssm in any case; a path under /aws as AWS does, AccessDeniedException", () => {
    for (const bad of ["awsx", "AWS", "ssm", "/SsmThing", "/awsfoo"]) assert.throws(() => checkNewName(bad, p), refusedWith("ValidationException", /can't be prefixed with "aws" or "ssm"/), bad);
    assert.throws(() => checkNewName("/ssm/x", p), refusedWith("ValidationException", /can't be prefixed with "ssm"/));
    for (const bad of ["/aws/x", "/AWS/service/y", "/awssec/lab/vpc"]) assert.throws(() => checkNewName(bad, p), refusedWith("AccessDeniedException", /^No access to reserved parameter name: /), bad);
    assert.equal(checkNewName("/app/aws", p), "/app/aws", "only the first level is reserved");
  });

  it("allows 15 levels, not 16", () => {
    assert.throws(() => checkNewName(levels(16), p), refusedWith("HierarchyLevelLimitExceededException", /maximum of 15 levels/));
  });

  it("bounds the name by its ARN's 1011 characters (arn:aws:ssm:us-east-1:123456789012:parameter/ is 45 of them), and by the model's 2048", () => {
    assert.equal(checkNewName(`/${"n".repeat(966)}`, p), `/${"n".repeat(966)}`);
    assert.throws(() => checkNewName(`/${"n".repeat(967)}`, p), refusedWith("ValidationException", /1011/));
    assert.equal(checkNewName("n".repeat(966), p).length, 966);
    assert.throws(() => checkNewName("n".repeat(2049), p), refusedWith("ValidationException", /less than or equal to 2048/));
    assert.throws(() => checkNewName("", p), refusedWith("ValidationException", /greater than or equal to 1/));
  });
});

describe("names as GetParameter and its kin take them", () => {
  it("reads a selector after the name: digits are a version, anything else a label", () => {
    assert.deepEqual(parseRef("/a/b", p), { candidates: ["/a/b"], selector: undefined });
    assert.deepEqual(parseRef("/a/b:12", p), { candidates: ["/a/b"], selector: { version: 12, text: "12" } });
    assert.deepEqual(parseRef("/a/b:prod", p), { candidates: ["/a/b"], selector: { label: "prod", text: "prod" } });
  });

  it("takes the parameter's ARN: its path is a hierarchical name with its leading /, or a top-level name with or without it", () => {
    assert.deepEqual(parseRef("arn:aws:ssm:us-east-1:123456789012:parameter/a/b:2", p), { candidates: ["/a/b"], selector: { version: 2, text: "2" } });
    assert.deepEqual(parseRef("arn:aws:ssm:us-east-1:123456789012:parameter/db", p).candidates, ["db", "/db"]);
    assert.deepEqual(parseRef("arn:aws:ssm:eu-west-1:123456789012:parameter/db", p).candidates, [], "another region's");
    assert.deepEqual(parseRef("arn:aws:ssm:us-east-1:999999999999:parameter/db", p).candidates, [], "another account's");
  });
});

describe("paths (GetParametersByPath, the Path filter)", () => {
  it("is / or a hierarchy starting with /; a trailing / is ignored", () => {
    assert.deepEqual(["/", "/a", "/a/b/", "/a.b/c-d"].map((x) => checkPath(x)), ["/", "/a", "/a/b", "/a.b/c-d"]);
    for (const bad of ["a", "a/b", "/a//b", "/a b", ""]) assert.throws(() => checkPath(bad), refusedWith("ValidationException"), bad);
  });
});
