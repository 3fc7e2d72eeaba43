import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { PortAllocator } from "./ports.js";

describe("dynamic host ports", () => {
  it("never hands out one port twice, skips reserved ports, and reuses released ones", async () => {
    const ports = new PortAllocator({ first: 41000, last: 41004 }, new Set([41001]));
    const got = [await ports.allocate("tcp"), await ports.allocate("tcp"), await ports.allocate("tcp"), await ports.allocate("tcp")];
    assert.deepEqual(got, [41000, 41002, 41003, 41004]);
    await assert.rejects(ports.allocate("tcp"), /no free host port/);
    ports.release([41003]);
    assert.equal(await ports.allocate("tcp"), 41003);
  });

  it("skips a port something else on the machine is listening on", async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(41100, "0.0.0.0", r));
    try {
      const ports = new PortAllocator({ first: 41100, last: 41101 }, new Set());
      assert.equal(await ports.allocate("tcp"), 41101);
    } finally {
      squatter.close();
    }
  });
});
