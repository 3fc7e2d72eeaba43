import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileServerConfig } from "./server-config.js";

describe("server config: registry upload limits", () => {
  it("defaults to 100 sessions, 16 GiB and 30 minutes per principal", () => {
    assert.deepEqual(compileServerConfig({}, {}).registryUploadLimits, { maxSessionsPerPrincipal: 100, maxBytesPerPrincipal: 16 * 1024 ** 3, idleTimeoutMs: 1_800_000 });
  });

  it("takes flags over the environment, sizes with units", () => {
    const c = compileServerConfig(
      { registryMaxUploadSessions: "7", registryMaxUploadBytes: "512MiB" },
      { BERTH_REGISTRY_MAX_UPLOAD_SESSIONS: "9", BERTH_REGISTRY_MAX_UPLOAD_BYTES: "1GB", BERTH_REGISTRY_UPLOAD_IDLE_TIMEOUT: "5m" },
    );
    assert.deepEqual(c.registryUploadLimits, { maxSessionsPerPrincipal: 7, maxBytesPerPrincipal: 512 * 1024 ** 2, idleTimeoutMs: 300_000 });
    assert.equal(compileServerConfig({ registryMaxUploadBytes: "1048576" }, {}).registryUploadLimits.maxBytesPerPrincipal, 1_048_576);
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ["zero sessions", { registryMaxUploadSessions: "0" }, /--registry-max-upload-sessions must be a whole number of at least 1/],
    ["a fractional session count", { registryMaxUploadSessions: "2.5" }, /--registry-max-upload-sessions/],
    ["a size without a known unit", { registryMaxUploadBytes: "16 gallons" }, /--registry-max-upload-bytes must be a size such as 16GiB/],
    ["a zero size", { registryMaxUploadBytes: "0" }, /--registry-max-upload-bytes/],
    ["an idle timeout below a second", { registryUploadIdleTimeout: "10ms" }, /--registry-upload-idle-timeout must be at least 1s/],
    ["a non-duration idle timeout", { registryUploadIdleTimeout: "a while" }, /--registry-upload-idle-timeout must be a duration/],
  ];
  for (const [what, flags, message] of refused) {
    it(`refuses ${what}`, () => assert.throws(() => compileServerConfig(flags, {}), message));
  }
});

describe("server config: registry maintenance", () => {
  it("defaults to hourly maintenance and a one-hour blob grace", () => {
    const c = compileServerConfig({}, {});
    assert.equal(c.registryGcIntervalMs, 3_600_000);
    assert.equal(c.registryBlobGraceMs, 3_600_000);
  });

  it("takes the registry host users push to, flag over environment; none by default", () => {
    assert.equal(compileServerConfig({}, {}).registryHost, undefined);
    assert.equal(compileServerConfig({}, { BERTH_REGISTRY_HOST: "10.0.0.5:4400" }).registryHost, "10.0.0.5:4400");
    assert.equal(compileServerConfig({ registryHost: "registry.example.com" }, { BERTH_REGISTRY_HOST: "x:1" }).registryHost, "registry.example.com");
    assert.equal(compileServerConfig({ registryHost: "[::1]:5000" }, {}).registryHost, "[::1]:5000");
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
    ["an interval a timer cannot wait (it would run at once, again and again)", { registryGcInterval: "720h" }, /--registry-gc-interval must be at most 596h \(the longest wait a Node.js timer can set\); got '720h'/],
    ["a registry host with a scheme", { registryHost: "https://registry.example.com" }, /--registry-host must be a host name/],
    ["a registry host with a path", { registryHost: "registry.example.com/v2" }, /--registry-host must be a host name/],
    ["a registry host with port 0", { registryHost: "registry.example.com:0" }, /--registry-host must be a host name/],
  ];
  for (const [what, flags, message] of refused) {
    it(`refuses ${what}`, () => assert.throws(() => compileServerConfig(flags, {}), message));
  }
});

describe("server config: TLS", () => {
  it("serves plain HTTP unless both files are given", () => {
    assert.equal(compileServerConfig({}, {}).tls, undefined);
  });

  it("takes the certificate and key from flags or the environment, as absolute paths", () => {
    const c = compileServerConfig({ tlsCert: "cert.pem" }, { BERTH_TLS_KEY: "/etc/berth/key.pem" });
    assert.ok(c.tls?.certFile.endsWith("/cert.pem") && c.tls.certFile.startsWith("/"));
    assert.equal(c.tls?.keyFile, "/etc/berth/key.pem");
  });

  it("refuses a certificate without its key", () => {
    assert.throws(() => compileServerConfig({ tlsCert: "cert.pem" }, {}), /--tls-cert and --tls-key .* go together/);
  });
});

describe("server config: HTTP limits", () => {
  it("defaults to a 10 s header timeout, 30 s body timeout, 60 s upload idle timeout, 5 s keep-alive and 4096 connections", () => {
    const c = compileServerConfig({}, {});
    assert.deepEqual(c.http, { headersTimeoutMs: 10_000, bodyTimeoutMs: 30_000, streamIdleTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, maxConnections: 4096 });
    assert.equal(c.refusalLogIntervalMs, 60_000);
  });

  it("takes flags over the environment", () => {
    const c = compileServerConfig(
      { headerTimeout: "500ms", maxConnections: "3" },
      { BERTH_HEADER_TIMEOUT: "1s", BERTH_REQUEST_BODY_TIMEOUT: "2s", BERTH_STREAM_IDLE_TIMEOUT: "3s", BERTH_KEEP_ALIVE_TIMEOUT: "4s", BERTH_MAX_CONNECTIONS: "9" },
    );
    assert.deepEqual(c.http, { headersTimeoutMs: 500, bodyTimeoutMs: 2000, streamIdleTimeoutMs: 3000, keepAliveTimeoutMs: 4000, maxConnections: 3 });
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

describe("server config: the store", () => {
  it("keeps state in SQLite unless a PostgreSQL URL is given, by flag or environment", () => {
    assert.deepEqual(compileServerConfig({}, {}).store, { kind: "sqlite" });
    const url = "postgresql://berth:secret@db.internal/berth";
    assert.deepEqual(compileServerConfig({}, { BERTH_STORE: url }).store, { kind: "postgres", url });
    assert.deepEqual(compileServerConfig({ store: "postgres://h/d" }, { BERTH_STORE: url }).store, { kind: "postgres", url: "postgres://h/d" });
  });

  it("refuses anything else without quoting it back (a URL may hold a password)", () => {
    assert.throws(
      () => compileServerConfig({ store: "mysql://root:hunter2@h/d" }, {}),
      (e: unknown) => e instanceof Error && /--store \(BERTH_STORE\) must be sqlite or a connection string/.test(e.message) && !e.message.includes("hunter2"),
    );
  });
});
