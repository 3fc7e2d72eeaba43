import { it } from "node:test";
import assert from "node:assert/strict";
import type { CapacityProviderRecord } from "../domain/capacity/capacity-provider.js";
import { CapacityProviderConflictError } from "./capacity-provider-records.js";
import type { Store } from "./store.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

const aProvider = (name: string, overrides: Partial<CapacityProviderRecord> = {}): CapacityProviderRecord => ({
  name,
  arn: `arn:aws:ecs:us-east-1:1:capacity-provider/${name}`,
  status: "ACTIVE",
  autoScalingGroupProvider: { autoScalingGroupArn: `asg-${name}` },
  createdAtMs: 0,
  version: 1,
  ...overrides,
});

/** The capacity providers part of the Store contract: conditional saves, a deleted name reused, listing, lookup by Auto Scaling group. */
export function capacityProvidersContract(withStore: WithStore): void {
  it("saves capacity providers conditionally; a new provider may take an INACTIVE one's name", () =>
    withStore(async (store) => {
      await store.write((tx) => tx.capacityProviders.put(aProvider("cp")));
      await assert.rejects(store.write((tx) => tx.capacityProviders.put(aProvider("cp"))), CapacityProviderConflictError);
      await assert.rejects(store.write((tx) => tx.capacityProviders.put(aProvider("cp", { version: 3 }))), CapacityProviderConflictError);
      assert.equal((await store.read((tx) => tx.capacityProviders.byAutoScalingGroup("asg-cp")))?.name, "cp");
      await store.write((tx) => tx.capacityProviders.put(aProvider("cp", { version: 2, status: "INACTIVE" })));
      assert.equal(await store.read((tx) => tx.capacityProviders.byAutoScalingGroup("asg-cp")), undefined);
      await store.write((tx) => tx.capacityProviders.put(aProvider("cp", { autoScalingGroupProvider: { autoScalingGroupArn: "asg-new" } })));
      const again = await store.read((tx) => tx.capacityProviders.get("cp"));
      assert.deepEqual([again?.status, again?.version, again?.autoScalingGroupProvider.autoScalingGroupArn], ["ACTIVE", 1, "asg-new"]);
    }));

  it("lists capacity providers by name, page by page", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        for (const n of ["c", "a", "b"]) await tx.capacityProviders.put(aProvider(n));
      });
      const first = await store.read((tx) => tx.capacityProviders.list({ limit: 2 }));
      assert.deepEqual(first.items.map((p) => p.name), ["a", "b"]);
      const second = await store.read((tx) => tx.capacityProviders.list({ limit: 2, after: first.nextAfter }));
      assert.deepEqual([second.items.map((p) => p.name), second.nextAfter], [["c"], undefined]);
    }));
}
