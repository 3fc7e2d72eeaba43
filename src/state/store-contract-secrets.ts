import { it } from "node:test";
import assert from "node:assert/strict";
import type { SecretRecord } from "../domain/secrets/secret.js";
import { SecretConflictError } from "./secret-records.js";
import type { Store } from "./store.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

const aSecret = (name: string, overrides: Partial<SecretRecord> = {}): SecretRecord => ({
  name,
  arn: `arn:aws:secretsmanager:us-east-1:1:secret:${name}-AbCdEf`,
  version: 1,
  createdMs: 1000,
  lastChangedMs: 1000,
  versions: [{ id: "v".repeat(32), stages: ["AWSCURRENT"], createdMs: 1000 }],
  ...overrides,
});

/** The Secrets Manager part of the Store contract: conditional saves unique by name and ARN, lookups, sealed values, the deletion sweep's query. */
export function secretsContract(withStore: WithStore): void {
  it("saves secrets conditionally, unique by name and by ARN, and finds them by either", () =>
    withStore(async (store) => {
      await store.write((tx) => tx.secrets.put(aSecret("app/db")));
      await assert.rejects(store.write((tx) => tx.secrets.put(aSecret("app/db", { arn: "arn:aws:secretsmanager:us-east-1:1:secret:app/db-XyZ123" }))), SecretConflictError, "a taken name");
      await assert.rejects(store.write((tx) => tx.secrets.put(aSecret("other", { arn: aSecret("app/db").arn }))), SecretConflictError, "a taken ARN");
      await assert.rejects(store.write((tx) => tx.secrets.put(aSecret("app/db", { version: 3 }))), SecretConflictError, "a version skipped");
      await assert.rejects(store.write((tx) => tx.secrets.put(aSecret("app/db", { version: 1.5 }))), SecretConflictError, "a version that is no integer");
      // A NUL in a description: both stores keep it (PostgreSQL's json as the escape).
      const changed = aSecret("app/db", { version: 2, description: "x\u0000y", tags: [{ Key: "team", Value: "blue" }] });
      await store.write((tx) => tx.secrets.put(changed));
      await store.write((tx) => tx.secrets.put(aSecret("api/key")));
      assert.deepEqual(await store.read((tx) => tx.secrets.get("app/db")), changed);
      assert.deepEqual(await store.read((tx) => tx.secrets.byArn(changed.arn)), changed);
      assert.equal(await store.read((tx) => tx.secrets.byArn("arn:aws:secretsmanager:us-east-1:1:secret:app/db")), undefined, "a partial ARN is no ARN to the store");
      assert.equal(await store.read((tx) => tx.secrets.get("app/db\u0000")), undefined, "a name holding a NUL names nothing");
      assert.deepEqual((await store.read((tx) => tx.secrets.list())).map((s) => s.name), ["api/key", "app/db"]);
    }));

  it("keeps each version's sealed value once, and deletes values with their versions and with the secret", () =>
    withStore(async (store) => {
      const s = aSecret("app/db");
      await store.write(async (tx) => {
        await tx.secrets.put(s);
        await tx.secrets.putValue(s.arn, "v1", "sealed-1");
        await tx.secrets.putValue(s.arn, "v1", "sealed-again");
        await tx.secrets.putValue(s.arn, "v2", "sealed-2");
        await tx.secrets.putValue(s.arn, "v3", "sealed-3");
      });
      assert.equal(await store.read((tx) => tx.secrets.value(s.arn, "v1")), "sealed-1", "a version's value never changes");
      await store.write((tx) => tx.secrets.deleteValues(s.arn, ["v1", "v3"]));
      assert.deepEqual(await store.read(async (tx) => [await tx.secrets.value(s.arn, "v1"), await tx.secrets.value(s.arn, "v2"), await tx.secrets.value(s.arn, "v3")]), [undefined, "sealed-2", undefined]);
      await store.write((tx) => tx.secrets.delete("app/db"));
      assert.equal(await store.read((tx) => tx.secrets.get("app/db")), undefined);
      assert.equal(await store.read((tx) => tx.secrets.value(s.arn, "v2")), undefined, "the secret's values go with it");
      await store.write((tx) => tx.secrets.put(aSecret("app/db", { arn: "arn:aws:secretsmanager:us-east-1:1:secret:app/db-New123" })));
      assert.equal((await store.read((tx) => tx.secrets.get("app/db")))?.arn, "arn:aws:secretsmanager:us-east-1:1:secret:app/db-New123", "a deleted secret's name is free again");
    }));

  it("finds the secrets whose recovery window has ended, soonest first, and forgets a restored one's", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        await tx.secrets.put(aSecret("late", { deletedMs: 1, purgeAtMs: 3000 }));
        await tx.secrets.put(aSecret("early", { deletedMs: 1, purgeAtMs: 2000 }));
        await tx.secrets.put(aSecret("kept"));
        await tx.secrets.put(aSecret("restored", { deletedMs: 1, purgeAtMs: 1000 }));
      });
      const restored = (await store.read((tx) => tx.secrets.get("restored")))!;
      await store.write((tx) => tx.secrets.put({ ...restored, version: 2, deletedMs: undefined, purgeAtMs: undefined }));
      assert.deepEqual((await store.read((tx) => tx.secrets.due(5000, 10))).map((s) => s.name), ["early", "late"]);
      assert.deepEqual((await store.read((tx) => tx.secrets.due(2500, 10))).map((s) => s.name), ["early"]);
      assert.deepEqual((await store.read((tx) => tx.secrets.due(5000, 1))).map((s) => s.name), ["early"]);
    }));
}
