import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ECSServiceException } from "@aws-sdk/client-ecs";
import { shownError } from "./errors.js";

describe("shownError", () => {
  it("shows an API exception by its AWS name and message", () => {
    const err = new ECSServiceException({ name: "AccessDeniedException", message: "User is not authorized to perform: ecs:RunTask", $fault: "client", $metadata: {} });
    assert.deepEqual(shownError(err), { name: "AccessDeniedException", message: "User is not authorized to perform: ecs:RunTask" });
  });
  it("shows anything else thrown as an error with what it said", () => {
    assert.deepEqual(shownError(new TypeError("Failed to fetch")), { name: "TypeError", message: "Failed to fetch" });
    assert.deepEqual(shownError("oops"), { name: "Error", message: "oops" });
    assert.equal(shownError(undefined).name, "Error");
  });
});
