import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { recheckPlacements, type InstanceInStore } from "./recheck.js";
import type { Placement } from "./types.js";

const placed = (instanceId: string, tcpPorts: number[] = []): Placement => ({ instanceId, instanceArn: `arn/${instanceId}`, tcpPorts, udpPorts: [], gpuIds: [], dynamicPortCount: 0 });
const inStore = (cpu: number, memory: number, usedTcp: number[] = [], hostSiblings: string[] = []): InstanceInStore => ({
  remainingCpu: cpu,
  remainingMemory: memory,
  usedTcp: new Set(usedTcp),
  usedUdp: new Set(),
  hostSiblings,
});

describe("recheckPlacements (the applier's re-check)", () => {
  it("accepts placements that still fit, counting the ones accepted before them", () => {
    const r = recheckPlacements([placed("a"), placed("a"), placed("a")], { cpu: 100, memory: 200 }, new Map([["a", inStore(250, 1000)]]));
    assert.deepEqual(r.accepted.map((p) => p.instanceId), ["a", "a"]);
    assert.deepEqual(r.refused.map((p) => p.instanceId), ["a"]);
  });

  it("refuses memory taken since the plan, on that instance only", () => {
    const r = recheckPlacements([placed("a"), placed("b")], { cpu: 0, memory: 512 }, new Map([["a", inStore(1024, 256)], ["b", inStore(1024, 512)]]));
    assert.deepEqual(r.accepted.map((p) => p.instanceId), ["b"]);
    assert.deepEqual(r.refused.map((p) => p.instanceId), ["a"]);
  });

  it("refuses a static host port held on the instance or taken by an earlier placement on a host sibling", () => {
    const instances = new Map([
      ["a", inStore(4096, 4096, [22], ["b"])],
      ["b", inStore(4096, 4096, [22], ["a"])],
    ]);
    assert.equal(recheckPlacements([placed("a", [22])], { cpu: 1, memory: 1 }, instances).refused.length, 1);
    const r = recheckPlacements([placed("a", [80]), placed("b", [80]), placed("b", [81])], { cpu: 1, memory: 1 }, instances);
    assert.deepEqual(r.accepted.map((p) => `${p.instanceId}:${p.tcpPorts[0]}`), ["a:80", "b:81"]);
  });

  it("refuses a placement on an instance the store no longer has", () => {
    assert.equal(recheckPlacements([placed("gone")], { cpu: 0, memory: 0 }, new Map()).refused.length, 1);
  });
});
