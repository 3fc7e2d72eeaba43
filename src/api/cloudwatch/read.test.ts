import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../errors/catalog.js";
import { optString } from "./read.js";

describe("CloudWatch string members", () => {
  it("keep tabs, line feeds, carriage returns and any printable text", () => {
    assert.equal(optString({ AlarmDescription: "CPU\thigh\r\n☃" }, "AlarmDescription"), "CPU\thigh\r\n☃");
  });

  it("refuse the control characters XML cannot carry (the CLI's answers are XML), naming the member", () => {
    for (const bad of ["a\u0000b", "\u0001", "x\u001f", "\uffff"]) {
      assert.throws(() => optString({ MetricName: bad }, "MetricName"), (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterValueException" && /parameter MetricName is invalid. It must not contain control characters/.test(e.message));
    }
  });
});
