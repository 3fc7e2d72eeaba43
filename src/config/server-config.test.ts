import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileServerConfig } from "./server-config.js";

describe("server config: registry maintenance", () => {
  it("defaults to hourly maintenance and a one-hour blob grace", () => {
    const c = compileServerConfig({}, {});
    assert.equal(c.registryGcIntervalMs, 3_600_000);
    assert.equal(c.registryBlobGraceMs, 3_600_000);
  });

  it("takes flags over the environment, as Go durations", () => {
    const c = compileServerConfig({ registryGcInterval: "500ms" }, { BERTH_REGISTRY_GC_INTERVAL: "1m", BERTH_REGISTRY_BLOB_GRACE: "3s" });
    assert.equal(c.registryGcIntervalMs, 500);
    assert.equal(c.registryBlobGraceMs, 3000);
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ["a non-duration interval", { registryGcInterval: "often" }, /--registry-gc-interval must be a duration/],
    ["an interval below 100ms", { registryGcInterval: "10ms" }, /at least 100ms/],
    ["a non-duration grace", { registryBlobGrace: "soon" }, /--registry-blob-grace must be a duration/],
  ];
  for (const [what, flags, message] of refused) {
    it(`refuses ${what}`, () => assert.throws(() => compileServerConfig(flags, {}), message));
  }
});

describe("server config: HTTP limits", () => {
  it("defaults to a 10 s header timeout, 30 s body timeout, 60 s upload idle timeout, 5 s keep-alive and 4096 connections", () => {
    const c = compileServerConfig({}, {});
    assert.deepEqual(c.http, { headersTimeoutMs: 10_000, bodyTimeoutMs: 30_000, uploadIdleTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, maxConnections: 4096 });
    assert.equal(c.refusalLogIntervalMs, 60_000);
  });

  it("takes flags over the environment", () => {
    const c = compileServerConfig(
      { headerTimeout: "500ms", maxConnections: "3" },
      { BERTH_HEADER_TIMEOUT: "1s", BERTH_REQUEST_BODY_TIMEOUT: "2s", BERTH_UPLOAD_IDLE_TIMEOUT: "3s", BERTH_KEEP_ALIVE_TIMEOUT: "4s", BERTH_MAX_CONNECTIONS: "9" },
    );
    assert.deepEqual(c.http, { headersTimeoutMs: 500, bodyTimeoutMs: 2000, uploadIdleTimeoutMs: 3000, keepAliveTimeoutMs: 4000, maxConnections: 3 });
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ["a zero header timeout", { headerTimeout: "0s" }, /--header-timeout must be above 0/],
    ["a non-duration body timeout", { requestBodyTimeout: "slow" }, /--request-body-timeout must be a duration/],
    ["no connections at all", { maxConnections: "0" }, /--max-connections must be a whole number above 0/],
    ["a fractional connection limit", { maxConnections: "2.5" }, /--max-connections must be a whole number/],
  ];
  for (const [what, flags, message] of refused) {
    it(`refuses ${what}`, () => assert.throws(() => compileServerConfig(flags, {}), message));
  }
});
