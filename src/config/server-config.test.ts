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
