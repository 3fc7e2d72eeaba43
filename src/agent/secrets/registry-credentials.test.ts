import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { credentialsSource, parseRegistryCredentials, pullAuth } from "./registry-credentials.js";

describe("repositoryCredentials", () => {
  it("names a secret by ARN, or by name in the task's region; never an SSM parameter", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-AbCdEf";
    assert.deepEqual(credentialsSource(arn, "us-east-1"), { service: "asm", region: "eu-west-1", secretId: arn });
    assert.deepEqual(credentialsSource("registry", "us-east-1"), { service: "asm", region: "us-east-1", secretId: "registry" });
    assert.equal(credentialsSource("arn:aws:ssm:us-east-1:123456789012:parameter/registry", "us-east-1").service, "invalid");
  });

  it("reads username and password, whatever the keys' case, as Go's encoding/json does", () => {
    assert.deepEqual(parseRegistryCredentials('{"username":"u","password":"p"}'), { username: "u", password: "p" });
    assert.deepEqual(parseRegistryCredentials('{"Username":"u","PASSWORD":"p"}'), { username: "u", password: "p" });
  });

  const refused: [string, string | undefined, string][] = [
    ["an empty secret", "", "asm fetching authorization data: empty secrets value"],
    ["a binary secret", undefined, "asm fetching authorization data: empty secrets value"],
    ["text that is not JSON", "u:p", "asm fetching authorization data: unable to unmarshal secret value, invalid schema"],
    ["a number as password", '{"username":"u","password":1}', "asm fetching authorization data: unable to unmarshal secret value, invalid schema"],
    ["no username", '{"password":"p"}', "asm fetching username: AuthorizationData is malformed, empty field"],
    ["a null password", '{"username":"u","password":null}', "asm fetching password: AuthorizationData is malformed, empty field"],
  ];
  for (const [what, text, problem] of refused) {
    it(`refuses ${what} with the ECS agent's words`, () => assert.deepEqual(parseRegistryCredentials(text), { problem }));
  }

  it("hands Docker the credentials for the image's registry, or Docker Hub's", () => {
    const credentials = { username: "u", password: "p" };
    assert.deepEqual(pullAuth("registry.example.com:5000/team/app:1", credentials), { ...credentials, serveraddress: "registry.example.com:5000" });
    assert.deepEqual(pullAuth("team/app", credentials), { ...credentials, serveraddress: "https://index.docker.io/v1/" });
  });
});
