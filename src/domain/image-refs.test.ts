import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ownRegistryTag, parseEcrUri, repositoryTag } from "./image-refs.js";

describe("image references", () => {
  it("parseEcrUri: account, region and path of an Amazon ECR URI, nothing for another registry", () => {
    assert.deepEqual(parseEcrUri("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1"), { account: "123456789012", region: "eu-west-1", path: "team/web:1" });
    assert.deepEqual(parseEcrUri("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web"), { account: "123456789012", region: "us-gov-west-1", path: "web" });
    assert.equal(parseEcrUri("public.ecr.aws/nginx/nginx:1"), undefined);
    assert.equal(parseEcrUri("127.0.0.1:4400/web:1"), undefined);
  });

  it("repositoryTag: the tag after the last path segment's colon, latest by default, nothing for a digest", () => {
    assert.deepEqual(repositoryTag("team/web:1.2"), { repository: "team/web", tag: "1.2" });
    assert.deepEqual(repositoryTag("web"), { repository: "web", tag: "latest" });
    assert.equal(repositoryTag(`web@sha256:${"a".repeat(64)}`), undefined);
  });

  it("ownRegistryTag: an image of the registry's hosts, or of its account's and region's ECR URI", () => {
    const own = { hosts: ["127.0.0.1:4400", "registry.example:443"], accountId: "123456789012", region: "eu-west-1" };
    assert.deepEqual(ownRegistryTag("127.0.0.1:4400/web:2", own), { repository: "web", tag: "2" });
    assert.deepEqual(ownRegistryTag("registry.example:443/team/web", own), { repository: "team/web", tag: "latest" });
    assert.deepEqual(ownRegistryTag("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:3", own), { repository: "web", tag: "3" });
    for (const other of ["999999999999.dkr.ecr.eu-west-1.amazonaws.com/web:3", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:3", "nginx:1", "127.0.0.1:5000/web:1", `127.0.0.1:4400/web@sha256:${"b".repeat(64)}`]) {
      assert.equal(ownRegistryTag(other, own), undefined, other);
    }
  });
});
