import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClusterState } from "./cluster-state.js";
import { placeOnSnapshots, placeTasks } from "./place.js";
import { QuerySyntaxError } from "./query/syntax-error.js";
import { FailureReason } from "./reasons.js";
import { placeTasksReference } from "./reference.js";
import { seededRandom } from "./strategies/random.js";
import { anInstance, aRequest } from "./testing/builders.js";
import { hostIdAttribute, hostIpAttribute, type InstanceSnapshot, type PlacementRequest, type PlacementResult, replicaServiceDefaultStrategy } from "./types.js";
import { InvalidPlacementRequest } from "./invalid-request.js";

/** Runs both paths and insists they agree, so every table case also checks the fast path against the reference. */
function place(instances: readonly InstanceSnapshot[], request: PlacementRequest, seed = 1): PlacementResult {
  const fast = placeOnSnapshots(instances, request, { random: seededRandom(seed) });
  const reference = placeTasksReference(instances, request, { random: seededRandom(seed) });
  assert.deepEqual(fast, reference);
  return fast;
}
const ids = (r: PlacementResult): string[] => r.placements.map((p) => p.instanceId);
const reasonsOf = (r: PlacementResult): Record<string, string> => {
  const byId: Record<string, string> = {};
  for (const f of r.failures) byId[f.arn.split("/").pop() ?? f.arn] = f.reason;
  return byId;
};

void describe("filters: each rejection has its ECS reason", () => {
  const cases: [string, Parameters<typeof anInstance>[0], Partial<PlacementRequest>, string][] = [
    ["INACTIVE instance", { status: "INACTIVE" }, {}, FailureReason.inactive],
    ["DEREGISTERING instance", { status: "DEREGISTERING" }, {}, FailureReason.inactive],
    ["DRAINING instance", { status: "DRAINING" }, {}, FailureReason.draining],
    ["disconnected agent", { agentConnected: false }, {}, FailureReason.agent],
    ["too little CPU", { remainingCpu: 100 }, { cpu: 256 }, FailureReason.cpu],
    ["too little memory", { remainingMemory: 256 }, { memory: 512 }, FailureReason.memory],
    ["TCP port in use by a task", { usedTcpPorts: [80] }, { tcpPorts: [80] }, FailureReason.ports],
    ["TCP port reserved by the agent", {}, { tcpPorts: [22] }, FailureReason.ports],
    ["UDP port in use", { usedUdpPorts: [53] }, { udpPorts: [53] }, FailureReason.portsUdp],
    ["no GPU", {}, { gpuCount: 1 }, FailureReason.gpu],
    ["GPUs all used", { gpuIds: ["g0", "g1"], usedGpuIds: ["g0", "g1"] }, { gpuCount: 1 }, FailureReason.gpu],
    ["required attribute missing", {}, { requiredAttributes: [{ name: "ecs.capability.task-eni" }] }, FailureReason.attribute],
    ["required attribute value differs", { attributes: { "ecs.os-type": "windows" } }, { requiredAttributes: [{ name: "ecs.os-type", value: "linux" }] }, FailureReason.attribute],
    ["distinctInstance with a group task already there", { taskGroups: { "family:web": 1 } }, { constraints: [{ type: "distinctInstance" }] }, FailureReason.distinctInstance],
    ["memberOf not satisfied", {}, { constraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type =~ g2.*" }] }, FailureReason.memberOf],
    ["status is reported before resources", { status: "DRAINING", remainingMemory: 0 }, {}, FailureReason.draining],
    ["CPU is reported before memory", { remainingCpu: 0, remainingMemory: 0 }, {}, FailureReason.cpu],
  ];
  for (const [name, instance, request, reason] of cases) {
    void it(name, () => {
      const result = place([anInstance({ id: "only", ...instance })], aRequest(request));
      assert.deepEqual(result.placements, []);
      assert.deepEqual(reasonsOf(result), { only: reason });
    });
  }

  const fits: [string, Parameters<typeof anInstance>[0], Partial<PlacementRequest>][] = [
    ["exactly enough CPU and memory", { remainingCpu: 256, remainingMemory: 512 }, { cpu: 256, memory: 512 }],
    ["a free port", { usedTcpPorts: [80] }, { tcpPorts: [8080] }],
    ["same port number on the other protocol", { usedTcpPorts: [53] }, { udpPorts: [53] }],
    ["a free GPU", { gpuIds: ["g0", "g1"], usedGpuIds: ["g0"] }, { gpuCount: 1 }],
    ["a required attribute with any value", { attributes: { "ecs.capability.task-eni": null } }, { requiredAttributes: [{ name: "ecs.capability.task-eni" }] }],
    ["distinctInstance with other groups there", { taskGroups: { "family:db": 3 } }, { constraints: [{ type: "distinctInstance" }] }],
    ["memberOf satisfied", {}, { constraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type =~ t2.*" }] }],
    ["a task reserving nothing on a full instance", { remainingCpu: 0, remainingMemory: 0 }, { cpu: 0, memory: 0 }],
  ];
  for (const [name, instance, request] of fits) {
    void it(`fits: ${name}`, () => assert.deepEqual(ids(place([anInstance({ id: "only", ...instance })], aRequest(request))), ["only"]));
  }
});

void describe("strategies", () => {
  void it("binpack(memory) picks the least remaining memory that still fits", () => {
    const cluster = [anInstance({ id: "roomy", remainingMemory: 4096 }), anInstance({ id: "tight", remainingMemory: 1024 }), anInstance({ id: "full", remainingMemory: 256 })];
    assert.deepEqual(ids(place(cluster, aRequest({ memory: 512, strategies: [{ type: "binpack", field: "memory" }] }))), ["tight"]);
  });

  void it("binpack(cpu) picks the least remaining CPU", () => {
    const cluster = [anInstance({ id: "a", remainingCpu: 2048 }), anInstance({ id: "b", remainingCpu: 512 })];
    assert.deepEqual(ids(place(cluster, aRequest({ cpu: 256, strategies: [{ type: "binpack", field: "cpu" }] }))), ["b"]);
  });

  void it("binpack keeps filling the same instance until it is full", () => {
    const cluster = [anInstance({ id: "a", remainingMemory: 1024 }), anInstance({ id: "b", remainingMemory: 2048 })];
    const result = place(cluster, aRequest({ count: 5, memory: 512, strategies: [{ type: "binpack", field: "memory" }] }));
    assert.deepEqual(ids(result), ["a", "a", "b", "b", "b"].slice(0, 5));
  });

  void it("spread(instanceId) puts one task per instance before doubling up", () => {
    const cluster = ["a", "b", "c"].map((id) => anInstance({ id }));
    const result = place(cluster, aRequest({ count: 6, strategies: [{ type: "spread", field: "instanceId" }] }));
    const perInstance = new Map<string, number>();
    for (const id of ids(result)) perInstance.set(id, (perInstance.get(id) ?? 0) + 1);
    assert.deepEqual([...perInstance.values()], [2, 2, 2]);
    assert.equal(new Set(ids(result).slice(0, 3)).size, 3);
  });

  void it("spread(host) is spread(instanceId)", () => {
    const cluster = [anInstance({ id: "busy", taskGroups: { "family:web": 2 } }), anInstance({ id: "idle" })];
    assert.deepEqual(ids(place(cluster, aRequest({ strategies: [{ type: "spread", field: "host" }] }))), ["idle"]);
  });

  void it("spread(attribute:ecs.availability-zone) balances the group's tasks across zones, counting existing tasks", () => {
    const cluster = [
      anInstance({ id: "a1", az: "a", taskGroups: { "family:web": 2 } }),
      anInstance({ id: "a2", az: "a" }),
      anInstance({ id: "b1", az: "b", taskGroups: { "family:web": 1 } }),
      anInstance({ id: "c1", az: "c" }),
    ];
    const result = place(cluster, aRequest({ count: 3, strategies: [{ type: "spread", field: "attribute:ecs.availability-zone" }] }));
    // c has 0, then b and c have 1 each, then b or c; zone a (2 tasks) is never chosen.
    assert.equal(ids(result)[0], "c1");
    assert.ok(ids(result).every((id) => id !== "a1" && id !== "a2"));
  });

  void it("spread(AZ) then binpack(memory) packs within the chosen zone", () => {
    const cluster = [
      anInstance({ id: "a-roomy", az: "a" }),
      anInstance({ id: "a-tight", az: "a", remainingMemory: 1024 }),
      anInstance({ id: "b-roomy", az: "b", taskGroups: { "family:web": 1 } }),
    ];
    const result = place(cluster, aRequest({ strategies: [{ type: "spread", field: "attribute:ecs.availability-zone" }, { type: "binpack", field: "memory" }] }));
    assert.deepEqual(ids(result), ["a-tight"]);
  });

  void it("the replica-service default spreads across zones, then instances", () => {
    const cluster = [anInstance({ id: "a1", az: "a" }), anInstance({ id: "a2", az: "a" }), anInstance({ id: "b1", az: "b" })];
    const result = place(cluster, aRequest({ count: 4, strategies: replicaServiceDefaultStrategy }));
    const zones = ids(result).map((id) => id[0]);
    assert.deepEqual(zones.slice(0, 2).sort(), ["a", "b"]);
    assert.deepEqual([...ids(result)].sort(), ["a1", "a2", "b1", "b1"].sort());
  });

  void it("random spreads picks over instances and is reproducible from the seed", () => {
    const cluster = Array.from({ length: 20 }, (_, i) => anInstance({ id: `r${i}`, remainingMemory: 100_000 }));
    const request = aRequest({ count: 40, strategies: [{ type: "random" }] });
    const first = place(cluster, request, 7);
    assert.deepEqual(place(cluster, request, 7), first);
    assert.ok(new Set(ids(first)).size >= 10, "40 random picks over 20 instances should touch many of them");
    assert.notDeepEqual(ids(place(cluster, request, 8)), ids(first));
  });

  void it("a later strategy only breaks ties of the earlier one", () => {
    const cluster = [anInstance({ id: "spread-loser", remainingMemory: 600, taskGroups: { "family:web": 1 } }), anInstance({ id: "spread-winner" })];
    const request = aRequest({ strategies: [{ type: "spread", field: "instanceId" }, { type: "binpack", field: "memory" }] });
    assert.deepEqual(ids(place(cluster, request)), ["spread-winner"]);
  });

  void it("rejects strategies ECS does not accept", () => {
    assert.throws(() => place([anInstance()], aRequest({ strategies: [{ type: "spread", field: "zone" }] })), InvalidPlacementRequest);
    assert.throws(() => place([anInstance()], aRequest({ strategies: Array.from({ length: 6 }, () => ({ type: "random" as const })) })), InvalidPlacementRequest);
  });
});

void describe("one request of several tasks sees its own earlier picks", () => {
  void it("static host ports: a second task with the same port needs another instance", () => {
    const cluster = [anInstance({ id: "a" }), anInstance({ id: "b" })];
    const result = place(cluster, aRequest({ count: 3, tcpPorts: [80], strategies: [{ type: "binpack", field: "memory" }] }));
    assert.deepEqual([...ids(result)].sort(), ["a", "b"]);
    assert.deepEqual(Object.values(reasonsOf(result)), [FailureReason.ports, FailureReason.ports]);
    assert.equal(result.explanation?.unplacedCount, 1);
  });

  void it("distinctInstance: never two tasks of the group on one instance", () => {
    const cluster = ["a", "b", "c"].map((id) => anInstance({ id }));
    const result = place(cluster, aRequest({ count: 4, constraints: [{ type: "distinctInstance" }], strategies: [{ type: "binpack", field: "memory" }] }));
    assert.equal(new Set(ids(result)).size, 3);
    assert.deepEqual(Object.values(reasonsOf(result)), Array(3).fill(FailureReason.distinctInstance));
  });

  void it("memberOf on the task's own group sees earlier picks (anti-affinity)", () => {
    const cluster = ["a", "b"].map((id) => anInstance({ id }));
    const result = place(cluster, aRequest({ count: 3, constraints: [{ type: "memberOf", expression: "not(task:group == family:web)" }] }));
    assert.equal(result.placements.length, 2);
  });

  void it("memberOf on runningTasksCount sees earlier picks", () => {
    const cluster = [anInstance({ id: "a" })];
    const result = place(cluster, aRequest({ count: 3, constraints: [{ type: "memberOf", expression: "runningTasksCount < 2" }] }));
    assert.equal(result.placements.length, 2);
  });

  void it("GPUs are handed out without overlap, in registration order", () => {
    const cluster = [anInstance({ id: "g", gpuIds: ["g0", "g1", "g2"], usedGpuIds: ["g1"] })];
    const result = place(cluster, aRequest({ count: 2, gpuCount: 1 }));
    assert.deepEqual(result.placements.map((p) => p.gpuIds), [["g0"], ["g2"]]);
  });

  void it("memory runs out part-way: the placed tasks are kept", () => {
    const result = place([anInstance({ id: "a", remainingMemory: 1500 })], aRequest({ count: 5, memory: 512 }));
    assert.equal(result.placements.length, 2);
    assert.equal(result.failures[0]?.reason, FailureReason.memory);
  });
});

void describe("failures and explanation", () => {
  void it("counts every instance under its first failed check, names the constraint and the closest fit", () => {
    const cluster = [
      anInstance({ id: "drain", status: "DRAINING" }),
      anInstance({ id: "small", remainingMemory: 256 }),
      anInstance({ id: "smaller", remainingMemory: 128 }),
      anInstance({ id: "m5", attributes: { "ecs.instance-type": "m5.large" } }),
    ];
    const expression = "attribute:ecs.instance-type =~ t2.*";
    const result = place(cluster, aRequest({ memory: 512, constraints: [{ type: "memberOf", expression }] }));
    assert.deepEqual(reasonsOf(result), { drain: "DRAINING", small: "RESOURCE:MEMORY", smaller: "RESOURCE:MEMORY", m5: "MemberOf placement constraint unsatisfied." });
    const explanation = result.explanation;
    assert.ok(explanation !== undefined);
    assert.deepEqual(explanation.reasons, [
      { reason: "RESOURCE:MEMORY", count: 2 },
      { reason: "DRAINING", count: 1 },
      { reason: "MemberOf placement constraint unsatisfied.", count: 1, constraint: expression },
    ]);
    // m5 and small each fail one check; m5 has more free memory.
    assert.equal(explanation.closest?.instanceId, "m5");
    assert.equal(explanation.closest?.phrase, 'encountered error "MemberOf placement constraint unsatisfied."');
    assert.match(explanation.summary, /^Unable to place 1 of 1 task: no container instance met all of its requirements\. 4 instances considered/);
    assert.match(explanation.summary, /The closest matching \(container-instance m5\)/);
    assert.equal(result.failures.find((f) => f.reason === "RESOURCE:MEMORY")?.detail, "needs 512 MiB memory, 256 MiB remaining");
  });

  void it("uses ECS's phrase for insufficient memory", () => {
    const result = place([anInstance({ id: "a", remainingMemory: 100 })], aRequest({ memory: 512 }));
    assert.equal(result.explanation?.closest?.phrase, "has insufficient memory available");
    assert.match(result.explanation?.summary ?? "", /container-instance a\) has insufficient memory available \(needs 512 MiB memory, 100 MiB remaining\)/);
  });

  void it("an empty cluster says so", () => {
    const result = place([], aRequest({ count: 2 }));
    assert.deepEqual(result.failures, []);
    assert.equal(result.explanation?.summary, "Unable to place 2 of 2 tasks: No Container Instances were found in your cluster.");
  });

  void it("a memberOf syntax error is a QuerySyntaxError", () => {
    assert.throws(() => place([anInstance()], aRequest({ constraints: [{ type: "memberOf", expression: "attribute:x ==" }] })), QuerySyntaxError);
  });

  void it("count 0 places nothing and fails nothing", () => {
    assert.deepEqual(place([anInstance()], aRequest({ count: 0 })), { placements: [], failures: [] });
  });
});

void describe("ClusterState", () => {
  void it("placeTasks leaves the state untouched; reserve and release apply and undo a placement", () => {
    const state = ClusterState.from([anInstance({ id: "a" })]);
    const before = state.snapshot(0);
    const request = aRequest({ tcpPorts: [80], memory: 1000, cpu: 100 });
    const [placement] = placeTasks(state, request, { random: seededRandom(1) }).placements;
    assert.ok(placement !== undefined);
    assert.deepEqual(state.snapshot(0), before);
    state.addTask({ ...placement, group: request.group, cpu: request.cpu, memory: request.memory });
    const after = state.snapshot(0);
    assert.equal(after.remainingMemory, before.remainingMemory - 1000);
    assert.equal(after.remainingCpu, before.remainingCpu - 100);
    assert.ok(after.usedTcpPorts.includes(80));
    assert.equal(after.taskGroups.get("family:web"), 1);
    assert.equal(after.runningTasksCount, 1);
    assert.equal(placeTasks(state, request, { random: seededRandom(1) }).failures[0]?.reason, FailureReason.ports);
    state.removeTask({ ...placement, group: request.group, cpu: 100, memory: 1000 });
    assert.deepEqual(state.snapshot(0), before);
  });
});

void describe("instances on one host (same berth.host-id) share its host ports", () => {
  const onHost = (id: string, host: string, o: Parameters<typeof anInstance>[0] = {}) => anInstance({ id, attributes: { [hostIdAttribute]: host }, ...o });

  void it("a fixed host port goes to one agent of the host; the next placement fails with RESOURCE:PORTS on both", () => {
    const result = place([onHost("a1", "engine-1"), onHost("a2", "engine-1")], aRequest({ count: 2, tcpPorts: [8080] }));
    assert.equal(result.placements.length, 1);
    const failed = result.failures.map((f) => f.reason);
    assert.deepEqual(failed, [FailureReason.ports, FailureReason.ports]);
    assert.match(result.explanation?.summary ?? "", /TCP host ports in use: 8080/);
  });

  void it("another host's instance still takes the port", () => {
    const result = place([onHost("a1", "engine-1"), onHost("a2", "engine-1"), onHost("b1", "engine-2")], aRequest({ count: 2, tcpPorts: [8080] }));
    assert.equal(result.placements.length, 2);
    assert.ok(ids(result).includes("b1"));
  });

  void it("a port reserved or held by one instance of the host is used for the others; released, it is free again", () => {
    assert.equal(place([onHost("a1", "h", { usedTcpPorts: [22, 9000] }), onHost("a2", "h")], aRequest({ tcpPorts: [9000] })).placements.length, 0);
    const state = ClusterState.from([onHost("a1", "h"), onHost("a2", "h")]);
    const request = aRequest({ tcpPorts: [7000], udpPorts: [53] });
    const [placement] = placeTasks(state, request, { random: seededRandom(3) }).placements;
    state.addTask({ ...placement!, group: request.group, cpu: request.cpu, memory: request.memory });
    assert.deepEqual(reasonsOf(placeTasks(state, request, { random: seededRandom(3) })), { a1: FailureReason.ports, a2: FailureReason.ports });
    state.removeTask({ ...placement!, group: request.group, cpu: request.cpu, memory: request.memory });
    assert.equal(placeTasks(state, request, { random: seededRandom(3) }).placements.length, 1);
  });

  void it("dynamic ports (no fixed host port) are each agent's own business: both instances take tasks", () => {
    assert.equal(place([onHost("a1", "h"), onHost("a2", "h")], aRequest({ count: 4, strategies: [{ type: "spread", field: "instanceId" }] })).placements.length, 4);
  });
});

void describe("instances on one host bound to different addresses (berth.host-ip) share ports only where the addresses overlap", () => {
  const at = (id: string, address: string | undefined, host = "engine-1", o: Parameters<typeof anInstance>[0] = {}) =>
    anInstance({ id, attributes: { [hostIdAttribute]: host, ...(address === undefined ? {} : { [hostIpAttribute]: address }) }, ...o });

  void it("agents on 127.0.0.2 and 127.0.0.3 each take the fixed port; a third placement fails with RESOURCE:PORTS on both", () => {
    const result = place([at("a2", "127.0.0.2"), at("a3", "127.0.0.3")], aRequest({ count: 3, tcpPorts: [8080] }));
    assert.deepEqual(ids(result).sort(), ["a2", "a3"]);
    assert.deepEqual(result.failures.map((f) => f.reason), [FailureReason.ports, FailureReason.ports]);
  });

  void it("an agent on 0.0.0.0 conflicts with every other agent of the engine, whichever takes the port first", () => {
    const wildcardFirst = ClusterState.from([at("any", "0.0.0.0"), at("a2", "127.0.0.2"), at("a3", "127.0.0.3")]);
    const request = aRequest({ tcpPorts: [8080] });
    const onAny = placeTasks(wildcardFirst, { ...request, constraints: [{ type: "memberOf", expression: "attribute:berth.host-ip == 0.0.0.0" }] }, { random: seededRandom(1) });
    wildcardFirst.addTask({ ...onAny.placements[0]!, group: request.group, cpu: request.cpu, memory: request.memory });
    assert.deepEqual(reasonsOf(placeTasks(wildcardFirst, request, { random: seededRandom(1) })), { any: FailureReason.ports, a2: FailureReason.ports, a3: FailureReason.ports });

    const specificFirst = ClusterState.from([at("any", "0.0.0.0"), at("a2", "127.0.0.2"), at("a3", "127.0.0.3")]);
    const onA2 = placeTasks(specificFirst, { ...request, constraints: [{ type: "memberOf", expression: "attribute:berth.host-ip == 127.0.0.2" }] }, { random: seededRandom(1) });
    specificFirst.addTask({ ...onA2.placements[0]!, group: request.group, cpu: request.cpu, memory: request.memory });
    const next = placeTasks(specificFirst, { ...request, count: 2 }, { random: seededRandom(1) });
    assert.deepEqual(ids(next), ["a3"], "127.0.0.3 is still free; 0.0.0.0 would cover 127.0.0.2");
    assert.deepEqual(reasonsOf(next), { any: FailureReason.ports, a2: FailureReason.ports, a3: FailureReason.ports });
  });

  void it("within one call, a pick on one address takes the port from the wildcard agent but not from the other address", () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const result = place([at("any", "0.0.0.0"), at("a2", "127.0.0.2"), at("a3", "127.0.0.3")], aRequest({ count: 3, tcpPorts: [8080] }), seed);
      outcomes.add(ids(result).sort().join(","));
      assert.deepEqual(result.failures.map((f) => f.reason), [FailureReason.ports, FailureReason.ports, FailureReason.ports]);
    }
    assert.deepEqual([...outcomes].sort(), ["a2,a3", "any"], "either the wildcard agent alone, or both address agents");
  });

  void it("two agents on one specific address share it; an agent without berth.host-ip counts as 0.0.0.0", () => {
    assert.equal(place([at("a2", "127.0.0.2"), at("b2", "127.0.0.2")], aRequest({ count: 2, tcpPorts: [8080] })).placements.length, 1);
    assert.equal(place([at("old", undefined), at("a2", "127.0.0.2")], aRequest({ count: 2, tcpPorts: [8080] })).placements.length, 1);
  });

  void it("the same address on another engine is another host", () => {
    assert.equal(place([at("a2", "127.0.0.2", "engine-1"), at("b2", "127.0.0.2", "engine-2")], aRequest({ count: 2, tcpPorts: [8080] })).placements.length, 2);
  });

  void it("a port reserved by the wildcard agent (e.g. 22) is used for the address agents; their own reserved ports are theirs", () => {
    const cluster = [at("any", "0.0.0.0", "engine-1", { usedTcpPorts: [9000] }), at("a2", "127.0.0.2", "engine-1", { usedTcpPorts: [9001] }), at("a3", "127.0.0.3", "engine-1", { usedTcpPorts: [] })];
    assert.deepEqual(reasonsOf(place(cluster, aRequest({ tcpPorts: [9000] }))), { any: FailureReason.ports, a2: FailureReason.ports, a3: FailureReason.ports });
    const on9001 = place(cluster, aRequest({ count: 3, tcpPorts: [9001] }));
    assert.deepEqual(ids(on9001), ["a3"]);
  });
});
