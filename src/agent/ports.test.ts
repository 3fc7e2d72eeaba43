import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { freeBlock } from "./free-ports.testing.js";
import { PortAllocator } from "./ports.js";

describe("dynamic host ports", () => {
  it("never hands out one port twice, skips reserved ports, and reuses released ones", async () => {
    const p = await freeBlock(5);
    const ports = new PortAllocator({ first: p, last: p + 4 }, new Set([p + 1]));
    const got = [await ports.allocate("tcp"), await ports.allocate("tcp"), await ports.allocate("tcp"), await ports.allocate("tcp")];
    assert.deepEqual(got, [p, p + 2, p + 3, p + 4]);
    await assert.rejects(ports.allocate("tcp"), /no free host port/);
    ports.release([p + 3]);
    assert.equal(await ports.allocate("tcp"), p + 3);
  });

  it("skips a port something else on the machine is listening on", async () => {
    const p = await freeBlock(2);
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(p, "0.0.0.0", r));
    try {
      const ports = new PortAllocator({ first: p, last: p + 1 }, new Set());
      assert.equal(await ports.allocate("tcp"), p + 1);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it("on a host address, only that address must be free: a port held on another one is handed out", async () => {
    const p = await freeBlock(2);
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(p, "127.0.0.3", r));
    try {
      assert.equal(await new PortAllocator({ first: p, last: p + 1 }, new Set(), { hostIp: "127.0.0.2" }).allocate("tcp"), p);
      assert.equal(await new PortAllocator({ first: p, last: p + 1 }, new Set(), { hostIp: "127.0.0.3" }).allocate("tcp"), p + 1);
      assert.equal(await new PortAllocator({ first: p, last: p + 1 }, new Set()).allocate("tcp"), p + 1, "0.0.0.0 covers 127.0.0.3");
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });
});
