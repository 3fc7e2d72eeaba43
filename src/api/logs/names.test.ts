import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../errors/catalog.js";
import { checkStreamName } from "./names.js";

describe("log stream names", () => {
  it("takes the model's pattern: anything but ':' and '*', 1 to 512 characters", () => {
    assert.equal(checkStreamName("ecs/web/0123 é"), "ecs/web/0123 é");
    for (const bad of ["", "a:b", "a*", "x".repeat(513)]) assert.throws(() => checkStreamName(bad), (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterException");
  });

  it("refuses a NUL character, which no store keeps as text everywhere (PostgreSQL refuses it)", () => {
    assert.throws(() => checkStreamName("a\u0000b"), (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterException" && /NUL character/.test(e.message));
  });
});
