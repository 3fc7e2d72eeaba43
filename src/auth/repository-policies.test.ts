import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RepositoryPolicies } from "./repository-policies.js";

const partition = { region: "us-east-1", accountId: "123456789012" };
const arn = (name: string, region = "us-east-1") => `arn:aws:ecr:${region}:123456789012:repository/${name}`;
const deny = JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "ecr:*" }] });
const allow = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage" }] });

/** A registry of repositories (name → policy text) that counts its reads. */
function registry(initial: Record<string, string | undefined>) {
  const repos = new Map(Object.entries(initial));
  const reads: string[] = [];
  const read = (name: string) => {
    reads.push(name);
    return Promise.resolve(repos.has(name) ? repos.get(name) : (false as const));
  };
  return { repos, reads, read };
}

describe("Repository policies, compiled once per repository", () => {
  it("reads a repository's policy once and keeps it until forgotten", async () => {
    const r = registry({ app: deny });
    const policies = new RepositoryPolicies(partition, r.read);
    const first = await policies.forResource(arn("app"));
    assert.equal(first?.policy.statements[0]?.effect, "Deny");
    assert.equal(await policies.forResource(arn("app")), first);
    assert.deepEqual(r.reads, ["app"]);
    r.repos.set("app", allow);
    policies.forget("app");
    assert.equal((await policies.forResource(arn("app")))?.policy.statements[0]?.effect, "Allow");
    assert.deepEqual(r.reads, ["app", "app"]);
  });

  it("remembers that a repository has no policy, and forgets that too", async () => {
    const r = registry({ app: undefined });
    const policies = new RepositoryPolicies(partition, r.read);
    assert.equal(await policies.forResource(arn("app")), undefined);
    assert.equal(await policies.forResource(arn("app")), undefined);
    assert.equal(r.reads.length, 1);
    r.repos.set("app", deny);
    policies.forget("app");
    assert.notEqual(await policies.forResource(arn("app")), undefined);
  });

  it("does not remember repositories that do not exist", async () => {
    const r = registry({});
    const policies = new RepositoryPolicies(partition, r.read);
    assert.equal(await policies.forResource(arn("ghost")), undefined);
    assert.equal(await policies.forResource(arn("ghost")), undefined);
    assert.deepEqual(r.reads, ["ghost", "ghost"]);
  });

  it("does not keep what a read returned when the policy changed during the read", async () => {
    const r = registry({ app: deny });
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const policies = new RepositoryPolicies(partition, async (name) => {
      const text = await r.read(name);
      await gate;
      return text;
    });
    const stale = policies.forResource(arn("app"));
    r.repos.set("app", allow);
    policies.forget("app");
    release();
    assert.equal((await stale)?.policy.statements[0]?.effect, "Deny");
    assert.equal((await policies.forResource(arn("app")))?.policy.statements[0]?.effect, "Allow");
  });

  it("answers only for repositories of its own region and account, and anything but an ECR repository is none", async () => {
    const r = registry({ app: deny });
    const policies = new RepositoryPolicies(partition, r.read);
    assert.equal(await policies.forResource(arn("app", "eu-west-1")), undefined);
    assert.equal(await policies.forResource("arn:aws:ecr:us-east-1:210987654321:repository/app"), undefined);
    assert.equal(await policies.forResource("*"), undefined);
    assert.equal(await policies.forResource("arn:aws:ecs:us-east-1:123456789012:cluster/app"), undefined);
    assert.deepEqual(r.reads, []);
  });

  it("a stored policy that no longer compiles denies everything (fail closed)", async () => {
    const policies = new RepositoryPolicies(partition, registry({ app: "{not json" }).read);
    const p = await policies.forResource(arn("app"));
    assert.equal(p?.policy.statements[0]?.effect, "Deny");
  });
});
