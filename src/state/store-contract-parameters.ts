import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParameterConflictError, type ParameterQuery, type ParameterVersionRecord } from "./parameter-records.js";
import type { Store } from "./store.js";
import { withNewStore } from "./store-contract-open.js";

const aVersion = (name: string, version: number, over: Partial<ParameterVersionRecord> = {}): ParameterVersionRecord => ({
  name,
  version,
  type: "String",
  value: `${name}@${version}`,
  tier: "Standard",
  dataType: "text",
  labels: [],
  modifiedMs: 1_000 + version,
  modifiedBy: "arn:aws:iam::123456789012:root",
  ...over,
});

/** SSM Parameter Store's repository, for every Store: `open()` gives a new, empty store. */
export function parametersContract(name: string, open: () => Promise<Store>): void {
  const withStore = withNewStore(open);

  describe(`the parameters repository: ${name}`, () => {
    it("creates a parameter once with its tags, adds versions only over the newest, and reads any version kept", () =>
      withStore(async (store) => {
        await store.write((tx) => tx.parameters.put(aVersion("/app/db", 1, { description: "d", value: "x\u0000é" }), { tags: { team: "a" }, keep: 100 }));
        await assert.rejects(store.write((tx) => tx.parameters.put(aVersion("/app/db", 1), { keep: 100 })), ParameterConflictError, "created twice");
        await assert.rejects(store.write((tx) => tx.parameters.put(aVersion("/app/db", 3), { keep: 100 })), ParameterConflictError, "a version skipped");
        await store.write((tx) => tx.parameters.put(aVersion("/app/db", 2, { type: "SecureString", tier: "Advanced", keyId: "alias/k" }), { keep: 100 }));
        const newest = await store.read((tx) => tx.parameters.get("/app/db"));
        assert.deepEqual(newest, { ...aVersion("/app/db", 2, { type: "SecureString", tier: "Advanced", keyId: "alias/k" }), tags: { team: "a" } });
        assert.deepEqual(await store.read((tx) => tx.parameters.version("/app/db", 1)), aVersion("/app/db", 1, { description: "d", value: "x\u0000é" }));
        assert.equal(await store.read((tx) => tx.parameters.version("/app/db", 3)), undefined);
        assert.equal(await store.read((tx) => tx.parameters.get("/app/other")), undefined);
        assert.equal(await store.read((tx) => tx.parameters.count("Advanced")), 1);
        assert.equal(await store.read((tx) => tx.parameters.count("Standard")), 0);
      }));

    it("keeps the newest `keep` versions, in order, paged after a version", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (let v = 1; v <= 7; v++) await tx.parameters.put(aVersion("p", v), { keep: 5 });
        });
        const versions = (after: number, limit: number) => store.read(async (tx) => (await tx.parameters.history("p", after, limit)).map((v) => v.version));
        assert.deepEqual(await versions(0, 50), [3, 4, 5, 6, 7]);
        assert.deepEqual(await versions(4, 2), [5, 6]);
        assert.equal(await store.read((tx) => tx.parameters.version("p", 2)), undefined);
      }));

    it("moves labels between versions and finds the version that carries one", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (let v = 1; v <= 3; v++) await tx.parameters.put(aVersion("p", v), { keep: 100 });
          await tx.parameters.setLabels("p", 1, ["prod", "blue"]);
        });
        assert.equal((await store.read((tx) => tx.parameters.labelled("p", "prod")))?.version, 1);
        await store.write(async (tx) => {
          await tx.parameters.setLabels("p", 1, ["blue"]);
          await tx.parameters.setLabels("p", 3, ["prod"]);
        });
        assert.equal((await store.read((tx) => tx.parameters.labelled("p", "prod")))?.version, 3);
        assert.deepEqual((await store.read((tx) => tx.parameters.get("p")))?.labels, ["prod"]);
        assert.deepEqual((await store.read((tx) => tx.parameters.version("p", 1)))?.labels, ["blue"]);
        assert.equal(await store.read((tx) => tx.parameters.labelled("p", "green")), undefined);
        assert.equal(await store.read((tx) => tx.parameters.labelled("q", "prod")), undefined);
      }));

    it("lists newest versions by name: under a prefix, or one level of a path, page by page", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const n of ["/app/web/url", "/app/db", "/app/api", "/apple", "/other/x", "plain", "/root"]) await tx.parameters.put(aVersion(n, 1), { keep: 100 });
          await tx.parameters.put(aVersion("/app/db", 2), { keep: 100 });
        });
        const names = (q: ParameterQuery) =>
          store.read(async (tx) => (await tx.parameters.list(q)).map((p) => `${p.name}@${p.version}`));
        assert.deepEqual(await names({ prefix: "/app/", limit: 10 }), ["/app/api@1", "/app/db@2", "/app/web/url@1"]);
        assert.deepEqual(await names({ prefix: "/app/", after: "/app/api", limit: 1 }), ["/app/db@2"]);
        assert.deepEqual(await names({ parent: "/app", limit: 10 }), ["/app/api@1", "/app/db@2"]);
        assert.deepEqual(await names({ parent: "/", limit: 10 }), ["/apple@1", "/root@1", "plain@1"]);
        assert.deepEqual(await names({ parent: "/", after: "/apple", limit: 1 }), ["/root@1"]);
        assert.deepEqual(await names({ limit: 100 }), ["/app/api@1", "/app/db@2", "/app/web/url@1", "/apple@1", "/other/x@1", "/root@1", "plain@1"]);
        assert.deepEqual(await names({ prefix: "/APP/", limit: 10 }), [], "names are case-sensitive");
        assert.deepEqual(await names({ prefix: "/app%", limit: 10 }), [], "a prefix is matched literally");
      }));

    it("replaces tags, and deletes a parameter with its versions: its name is free again", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.parameters.put(aVersion("/a", 1), { tags: { x: "1" }, keep: 100 });
          await tx.parameters.put(aVersion("/a", 2), { keep: 100 });
          await tx.parameters.setTags("/a", { y: "2" });
        });
        assert.deepEqual((await store.read((tx) => tx.parameters.get("/a")))?.tags, { y: "2" });
        assert.equal(await store.write((tx) => tx.parameters.delete("/a")), true);
        assert.equal(await store.write((tx) => tx.parameters.delete("/a")), false);
        assert.equal(await store.write((tx) => tx.parameters.delete("/a\u0000")), false, "a name with a NUL names nothing (PostgreSQL's text cannot hold one)");
        assert.equal(await store.read((tx) => tx.parameters.get("/a")), undefined);
        assert.deepEqual(await store.read((tx) => tx.parameters.history("/a", 0, 50)), []);
        await store.write((tx) => tx.parameters.put(aVersion("/a", 1), { keep: 100 }));
        assert.deepEqual((await store.read((tx) => tx.parameters.get("/a")))?.tags, {});
      }));
  });
}
