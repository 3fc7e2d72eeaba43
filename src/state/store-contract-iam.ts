import { it } from "node:test";
import assert from "node:assert/strict";
import type { IamAccessKeyRecord, IamUserRecord } from "./iam-records.js";
import type { Store } from "./store.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

const aUser = (name: string): IamUserRecord => ({
  userName: name,
  userId: `AIDA${name.toUpperCase().padEnd(17, "X")}`,
  arn: `arn:aws:iam::123456789012:user/${name}`,
  path: "/",
  createdAtMs: 1,
  tags: [],
  inlinePolicies: {},
  attachedPolicies: [],
});

const aKey = (id: string, owner: IamAccessKeyRecord["owner"], createdAtMs = 1): IamAccessKeyRecord => ({ accessKeyId: id, sealedSecret: "v1.x.y.z", status: "Active", createdAtMs, owner });

/** The IAM part of the Store contract: entities by kind and name, access keys by id and by user, session expiry. */
export function iamContract(withStore: WithStore): void {
  it("keeps IAM users, groups, roles and policies apart by kind, listed by name, overwritten and deleted by name", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        for (const n of ["b", "a"]) await tx.iam.users.put(n, aUser(n));
        await tx.iam.policies.put("a", { policyName: "a", policyId: "ANPA", arn: "arn:aws:iam::123456789012:policy/a", path: "/", createdAtMs: 1, updatedAtMs: 1, defaultVersionId: "v1", versions: [], nextVersion: 2 });
      });
      assert.deepEqual((await store.read((tx) => tx.iam.users.list())).map((u) => u.userName), ["a", "b"]);
      assert.equal(await store.read((tx) => tx.iam.roles.get("a")), undefined);
      await store.write((tx) => tx.iam.users.put("a", { ...aUser("a"), inlinePolicies: { p: "{}" } }));
      assert.deepEqual((await store.read((tx) => tx.iam.users.get("a")))?.inlinePolicies, { p: "{}" });
      assert.equal(await store.write((tx) => tx.iam.users.delete("a")), true);
      assert.equal(await store.write((tx) => tx.iam.users.delete("a")), false);
      assert.equal((await store.read((tx) => tx.iam.policies.list())).length, 1);
      const group = { groupName: "a", groupId: "AGPA", arn: "arn:aws:iam::123456789012:group/a", path: "/", createdAtMs: 1, tags: [], inlinePolicies: {}, attachedPolicies: [], members: ["b"] };
      await store.write((tx) => tx.iam.groups.put("a", group));
      assert.deepEqual(await store.read((tx) => tx.iam.groups.get("a")), group);
      assert.deepEqual((await store.read((tx) => tx.iam.users.list())).map((u) => u.userName), ["b"]);
    }));

  it("finds access keys by id and a user's long-term keys oldest first; forgets expired sessions only", () =>
    withStore(async (store) => {
      const session = (id: string, expiresAtMs: number) => aKey(id, { kind: "session", roleName: "r", sessionName: "s", expiresAtMs, sessionTokenSha256: "00" });
      await store.write(async (tx) => {
        await tx.iam.putAccessKey(aKey("AKIA2", { kind: "user", userName: "ci" }, 20));
        await tx.iam.putAccessKey(aKey("AKIA1", { kind: "user", userName: "ci" }, 10));
        await tx.iam.putAccessKey(aKey("AKIA3", { kind: "user", userName: "other" }));
        await tx.iam.putAccessKey(session("ASIAOLD", 100));
        await tx.iam.putAccessKey(session("ASIANEW", 300));
      });
      assert.deepEqual((await store.read((tx) => tx.iam.accessKeysOf("ci"))).map((k) => k.accessKeyId), ["AKIA1", "AKIA2"]);
      assert.equal((await store.read((tx) => tx.iam.accessKey("ASIANEW")))?.owner.kind, "session");
      assert.equal(await store.write((tx) => tx.iam.purgeExpiredSessions(200)), 1);
      assert.equal(await store.read((tx) => tx.iam.accessKey("ASIAOLD")), undefined);
      assert.ok(await store.read((tx) => tx.iam.accessKey("ASIANEW")));
      assert.ok(await store.read((tx) => tx.iam.accessKey("AKIA1")), "user keys do not expire");
      await store.write((tx) => tx.iam.putAccessKey({ ...aKey("AKIA1", { kind: "user", userName: "ci" }, 10), status: "Inactive" }));
      assert.equal((await store.read((tx) => tx.iam.accessKey("AKIA1")))?.status, "Inactive");
      assert.equal(await store.write((tx) => tx.iam.deleteAccessKey("AKIA1")), true);
      assert.deepEqual((await store.read((tx) => tx.iam.accessKeysOf("ci"))).map((k) => k.accessKeyId), ["AKIA2"]);
    }));
}
