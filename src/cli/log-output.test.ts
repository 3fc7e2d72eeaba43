import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { createLogger } from "../observability/logger.js";
import { logDestination, logFormatFrom, prettyLine } from "./log-output.js";

describe("berth up's log output", () => {
  it("is readable on a terminal and JSON elsewhere, unless --log-format says", () => {
    assert.equal(logFormatFrom(undefined, true), "pretty");
    assert.equal(logFormatFrom(undefined, false), "json");
    assert.equal(logFormatFrom("json", true), "json");
    assert.equal(logFormatFrom("pretty", false), "pretty");
    assert.throws(() => logFormatFrom("xml", true), /--log-format must be pretty or json/);
  });

  it("prints a record as time, level, message and its fields, without pino's plumbing", () => {
    const line = prettyLine(JSON.stringify({ level: 40, time: Date.UTC(2026, 10, 29, 12, 0, 1, 234), pid: 1, hostname: "h", msg: "default ports taken", introspectionPort: 40001, cluster: "default", reason: "two words" }));
    assert.equal(line, '12:00:01.234 WARN  default ports taken introspectionPort=40001 cluster=default reason="two words"\n');
    assert.equal(prettyLine(JSON.stringify({ level: 50, time: 0, msg: "stop failed", err: { type: "DockerError", message: "boom", stack: "…" } })), '00:00:00.000 ERROR stop failed err="DockerError: boom"\n');
    assert.equal(prettyLine("not json"), "not json\n");
  });

  it("keeps pino's JSON lines in json format", () => {
    const out = new PassThrough();
    const logger = createLogger("info", logDestination("json", out));
    logger.info({ cluster: "c" }, "registered");
    const parsed = JSON.parse(String(out.read())) as { msg: string; cluster: string };
    assert.equal(parsed.msg, "registered");
    assert.equal(parsed.cluster, "c");
  });

  it("writes readable lines in pretty format", () => {
    const out = new PassThrough();
    createLogger("info", logDestination("pretty", out)).info({ cluster: "c" }, "registered");
    assert.match(String(out.read()), /^\d\d:\d\d:\d\d\.\d{3} INFO  registered cluster=c\n$/);
  });
});
