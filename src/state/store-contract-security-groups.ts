import { it } from "node:test";
import assert from "node:assert/strict";
import type { SecurityGroupRecord } from "../domain/security-groups/security-group.js";
import { SecurityGroupConflictError } from "./security-group-records.js";
import type { Store } from "./store.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

const aGroup = (groupId: string, groupName: string, overrides: Partial<SecurityGroupRecord> = {}): SecurityGroupRecord => ({
  groupId,
  groupName,
  description: groupName,
  vpcId: "vpc-1",
  ownerId: "123456789012",
  ingress: [],
  egress: [],
  tags: [],
  createdAtMs: 0,
  version: 1,
  ...overrides,
});

/** The security groups part of the Store contract: conditional saves, unique names, lookup by id and name, listing by id, deletion. */
export function securityGroupsContract(withStore: WithStore): void {
  it("saves security groups conditionally, their names unique, and finds them by id and by name", () =>
    withStore(async (store) => {
      await store.write((tx) => tx.securityGroups.put(aGroup("sg-b", "web")));
      await assert.rejects(store.write((tx) => tx.securityGroups.put(aGroup("sg-b", "other"))), SecurityGroupConflictError, "a taken id");
      await assert.rejects(store.write((tx) => tx.securityGroups.put(aGroup("sg-c", "web"))), SecurityGroupConflictError, "a taken name");
      await assert.rejects(store.write((tx) => tx.securityGroups.put(aGroup("sg-b", "web", { version: 3 }))), SecurityGroupConflictError, "a version skipped");
      const rule = { ruleId: "sgr-1", protocol: "tcp" as const, fromPort: 80, toPort: 80, cidr: "10.0.0.0/8" };
      await store.write((tx) => tx.securityGroups.put(aGroup("sg-b", "web", { ingress: [rule], version: 2 })));
      await store.write((tx) => tx.securityGroups.put(aGroup("sg-a", "api")));
      assert.deepEqual((await store.read((tx) => tx.securityGroups.get("sg-b")))?.ingress, [rule]);
      assert.equal((await store.read((tx) => tx.securityGroups.byName("api")))?.groupId, "sg-a");
      assert.deepEqual((await store.read((tx) => tx.securityGroups.list())).map((g) => g.groupId), ["sg-a", "sg-b"]);
      await store.write((tx) => tx.securityGroups.delete("sg-b"));
      assert.equal(await store.read((tx) => tx.securityGroups.byName("web")), undefined);
      await store.write((tx) => tx.securityGroups.put(aGroup("sg-d", "web")));
      assert.equal((await store.read((tx) => tx.securityGroups.byName("web")))?.groupId, "sg-d", "a deleted group's name is free again");
    }));
}
