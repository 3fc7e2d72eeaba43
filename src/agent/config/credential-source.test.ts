import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadAgentConfig } from "./agent-config.js";
import { describeCredentialSource } from "./credential-source.js";

const files = (byPath: Record<string, string>) => (path: string) => byPath[path];

describe("describeCredentialSource: --print-config says where the signing key comes from", () => {
  it("names the variables and their layer when the key is configured", () => {
    const config = loadAgentConfig({ env: { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s3cret" } });
    const line = describeCredentialSource(config, { env: {}, homeDir: "/root", readFile: files({}) });
    assert.equal(line, "credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (environment)");
  });

  it("names the shared credentials file from AWS_SHARED_CREDENTIALS_FILE, and the profile", () => {
    const env = { AWS_SHARED_CREDENTIALS_FILE: "/data/.berth/credentials" };
    const line = describeCredentialSource(loadAgentConfig({ env }), { env, homeDir: "/root", readFile: files({ "/data/.berth/credentials": "[default]\naws_access_key_id = A\n" }) });
    assert.equal(line, "credentials: shared credentials file /data/.berth/credentials (AWS_SHARED_CREDENTIALS_FILE (environment)), profile default (default)");
  });

  it("names the default path, and a profile the file lacks", () => {
    const env = { AWS_PROFILE: "berth" };
    const line = describeCredentialSource(loadAgentConfig({ env }), { env, homeDir: "/home/u", readFile: files({ "/home/u/.aws/credentials": "[default]\n" }) });
    assert.equal(line, "credentials: shared credentials file /home/u/.aws/credentials (the SDK's default path), profile berth (AWS_PROFILE (environment)), which has no [berth] section");
  });

  it("says when there is nothing to sign with", () => {
    const line = describeCredentialSource(loadAgentConfig({}), { env: {}, homeDir: "/root", readFile: files({}) });
    assert.match(line, /^credentials: none found: .*\/root\/\.aws\/credentials/);
  });
});
