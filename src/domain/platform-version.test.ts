import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../errors/catalog.js";
import { checkPlatformVersion } from "./platform-version.js";

describe("platformVersion", () => {
  for (const ok of [undefined, "LATEST", "1.4.0", "1.3.0"]) {
    it(`accepts ${String(ok)}`, () => assert.doesNotThrow(() => checkPlatformVersion(ok)));
  }
  for (const bad of ["", "latest", "1.4", "x".repeat(300_000), "1.4.0\n"]) {
    it(`refuses '${bad.slice(0, 10)}' with PlatformUnknownException`, () => {
      assert.throws(
        () => checkPlatformVersion(bad),
        (e: unknown) => e instanceof AwsError && e.code === "PlatformUnknownException" && e.message.length < 200,
      );
    });
  }
});
