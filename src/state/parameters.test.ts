import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { eachStore } from "../../test/support/each-store.js";
import { parentPath } from "./parameter-records.js";
import { parametersContract } from "./store-contract-parameters.js";

for (const { name, open } of eachStore()) parametersContract(name, open);

describe("a parameter's path", () => {
  it("is the name up to its last slash; the root for a name at the top of the hierarchy", () => {
    assert.deepEqual(["/a/b/c", "/a/b", "/a", "a", "a.b"].map(parentPath), ["/a/b", "/a", "/", "/", "/"]);
  });
});
