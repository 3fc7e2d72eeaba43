import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ClusterState } from "./cluster-state.js";
import { placeOnSnapshots, placeTasks } from "./place.js";
import { placeTasksReference } from "./reference.js";
import { seededRandom } from "./strategies/random.js";
import { anInstance } from "./testing/builders.js";
import { hostBindingOf, sharesHostPorts } from "./host-ports.js";
import { hostIdAttribute, hostIpAttribute, type InstanceSnapshot, type PlacementConstraint, type PlacementRequest, type PlacementStrategy } from "./types.js";

const expressions = [
  "attribute:ecs.instance-type =~ t2.*",
  "attribute:ecs.availability-zone in [a, b]",
  "not(task:group == family:db)",
  "task:group == family:db or runningTasksCount < 3",
  "attribute:ecs.availability-zone exists",
];

const anyInstance = (index: number): fc.Arbitrary<InstanceSnapshot> =>
  fc
    .record({
      status: fc.constantFrom("ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "DRAINING", "INACTIVE"),
      // 0 means disconnected: about one instance in ten.
      disconnected: fc.integer({ min: 0, max: 9 }),
      remainingCpu: fc.integer({ min: 0, max: 8 }).map((n) => n * 256),
      remainingMemory: fc.integer({ min: 0, max: 8 }).map((n) => n * 512),
      usedTcpPorts: fc.subarray([80, 443, 8080]),
      usedUdpPorts: fc.subarray([53]),
      gpus: fc.integer({ min: 0, max: 2 }),
      az: fc.constantFrom("a", "b", "c", undefined),
      type: fc.constantFrom("t2.small", "m5.large"),
      web: fc.integer({ min: 0, max: 3 }),
      db: fc.integer({ min: 0, max: 2 }),
      // Several agents on one engine, bound to overlapping or separate addresses (host-ports.ts).
      engine: fc.constantFrom(undefined, "e1", "e1", "e2"),
      address: fc.constantFrom(undefined, "0.0.0.0", "127.0.0.2", "127.0.0.3"),
    })
    .map((r) => {
      const base = anInstance({
        id: `p${index}`,
        status: r.status as InstanceSnapshot["status"],
        agentConnected: r.disconnected > 0,
        remainingCpu: r.remainingCpu,
        remainingMemory: r.remainingMemory,
        usedTcpPorts: [22, ...r.usedTcpPorts],
        usedUdpPorts: r.usedUdpPorts,
        gpuIds: Array.from({ length: r.gpus }, (_, g) => `gpu${g}`),
        attributes: { "ecs.instance-type": r.type },
        taskGroups: { "family:web": r.web, "family:db": r.db },
      });
      const attributes = new Map(base.attributes);
      if (r.az === undefined) attributes.delete("ecs.availability-zone");
      else attributes.set("ecs.availability-zone", r.az);
      if (r.engine !== undefined) attributes.set(hostIdAttribute, r.engine);
      if (r.address !== undefined) attributes.set(hostIpAttribute, r.address);
      return { ...base, attributes };
    });

const anyCluster: fc.Arbitrary<InstanceSnapshot[]> = fc
  .integer({ min: 0, max: 12 })
  .chain((n) => (n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, i) => anyInstance(i)))));

const anyStrategy: fc.Arbitrary<PlacementStrategy> = fc.constantFrom<PlacementStrategy>(
  { type: "binpack", field: "cpu" },
  { type: "binpack", field: "memory" },
  { type: "spread", field: "instanceId" },
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "spread", field: "attribute:ecs.instance-type" },
  { type: "random" },
);

const anyRequest: fc.Arbitrary<PlacementRequest> = fc.record({
  count: fc.integer({ min: 0, max: 8 }),
  group: fc.constantFrom("family:web", "family:db", "family:new"),
  cpu: fc.constantFrom(0, 128, 256, 512),
  memory: fc.constantFrom(0, 256, 512, 1024),
  tcpPorts: fc.subarray([80, 8080]),
  udpPorts: fc.subarray([53]),
  gpuCount: fc.constantFrom(0, 0, 1),
  constraints: fc.tuple(fc.boolean(), fc.subarray(expressions, { maxLength: 2 })).map(([distinct, exprs]): PlacementConstraint[] => [
    ...(distinct ? [{ type: "distinctInstance" as const }] : []),
    ...exprs.map((expression) => ({ type: "memberOf" as const, expression })),
  ]),
  strategies: fc.array(anyStrategy, { maxLength: 3 }),
});

const runs = { numRuns: 300 };

void describe("placement properties", () => {
  void it("the indexed path and the reference path agree exactly", () => {
    fc.assert(
      fc.property(anyCluster, anyRequest, fc.integer(), (cluster, request, seed) => {
        assert.deepEqual(placeOnSnapshots(cluster, request, { random: seededRandom(seed) }), placeTasksReference(cluster, request, { random: seededRandom(seed) }));
      }),
      runs,
    );
  });

  void it("the same seed gives the same placements", () => {
    fc.assert(
      fc.property(anyCluster, anyRequest, fc.integer(), (cluster, request, seed) => {
        const state = ClusterState.from(cluster);
        assert.deepEqual(placeTasks(state, request, { random: seededRandom(seed) }), placeTasks(state, request, { random: seededRandom(seed) }));
      }),
      runs,
    );
  });

  void it("no instance is ever oversubscribed in CPU, memory, ports (its own or those it shares) or GPUs", () => {
    fc.assert(
      fc.property(anyCluster, fc.array(anyRequest, { minLength: 1, maxLength: 4 }), fc.integer(), (cluster, requests, seed) => {
        const state = ClusterState.from(cluster);
        const random = seededRandom(seed);
        const gpusHanded = new Map<string, Set<string>>();
        // Instance i's ports are held by i and by every instance it shares host ports with.
        const sharing = (i: number): number[] =>
          cluster.flatMap((s, j) => (j === i || sharesHostPorts(hostBindingOf(cluster[i]!.attributes), hostBindingOf(s.attributes)) ? [j] : []));
        for (const request of requests) {
          for (const p of placeTasks(state, request, { random }).placements) {
            const i = state.indexOf(p.instanceId) ?? -1;
            for (const j of sharing(i)) {
              for (const port of p.tcpPorts) assert.ok(!state.usedTcp[j]?.has(port), `TCP ${port} of ${p.instanceId} already held by ${state.id(j)}`);
              for (const port of p.udpPorts) assert.ok(!state.usedUdp[j]?.has(port), `UDP ${port} of ${p.instanceId} already held by ${state.id(j)}`);
            }
            const handed = gpusHanded.get(p.instanceId) ?? new Set<string>();
            for (const g of p.gpuIds) {
              assert.ok(!handed.has(g), `GPU ${g} handed out twice`);
              handed.add(g);
            }
            gpusHanded.set(p.instanceId, handed);
            state.addTask({ ...p, group: request.group, cpu: request.cpu, memory: request.memory });
            assert.ok((state.remainingCpu[i] ?? -1) >= 0 && (state.remainingMemory[i] ?? -1) >= 0, `${p.instanceId} oversubscribed`);
          }
        }
      }),
      runs,
    );
  });

  void it("every failure list covers each instance once, and the per-reason counts add up to the instances", () => {
    fc.assert(
      fc.property(anyCluster, anyRequest, fc.integer(), (cluster, request, seed) => {
        const result = placeOnSnapshots(cluster, request, { random: seededRandom(seed) });
        if (result.placements.length === request.count) return assert.equal(result.explanation, undefined);
        assert.equal(result.failures.length, cluster.length);
        assert.deepEqual(new Set(result.failures.map((f) => f.arn)).size, cluster.length);
        const explanation = result.explanation;
        assert.ok(explanation !== undefined);
        assert.equal(explanation.reasons.reduce((sum, r) => sum + r.count, 0), cluster.length);
        assert.equal(explanation.unplacedCount, request.count - result.placements.length);
      }),
      runs,
    );
  });
});

/** Whether one task of `request` would fit on instance `i` (the filters are per instance, but for host ports it shares). */
const eligible = (state: ClusterState, i: number, request: PlacementRequest): boolean =>
  placeOnSnapshots([state.snapshot(i)], { ...request, count: 1 }, { random: seededRandom(0) }).placements.length === 1 &&
  !(request.tcpPorts ?? []).some((p) => state.tcpUsedOnHost(i, p)) &&
  !(request.udpPorts ?? []).some((p) => state.udpUsedOnHost(i, p));

/** Places one task at a time with `strategies`, checking each pick against every eligible alternative. */
function checkEachPick(strategies: PlacementStrategy[], better: (state: ClusterState, chosen: number, other: number, group: string) => boolean): void {
  fc.assert(
    fc.property(anyCluster, anyRequest, fc.integer(), (cluster, base, seed) => {
      const state = ClusterState.from(cluster);
      const request = { ...base, count: 1, strategies };
      const random = seededRandom(seed);
      for (let pick = 0; pick < base.count; pick++) {
        const [p] = placeTasks(state, request, { random }).placements;
        if (p === undefined) return;
        const chosen = state.indexOf(p.instanceId) ?? -1;
        for (let j = 0; j < state.size; j++) {
          if (j !== chosen && eligible(state, j, request)) assert.ok(!better(state, j, chosen, request.group), `instance ${j} was a better choice than ${chosen}`);
        }
        state.addTask({ ...p, group: request.group, cpu: request.cpu, memory: request.memory });
      }
    }),
    runs,
  );
}

void describe("strategy properties", () => {
  void it("binpack(memory) never picks an instance with more remaining memory than an eligible one", () => {
    checkEachPick([{ type: "binpack", field: "memory" }], (s, j, chosen) => (s.remainingMemory[j] ?? 0) < (s.remainingMemory[chosen] ?? 0));
  });

  void it("binpack(cpu) never picks an instance with more remaining CPU than an eligible one", () => {
    checkEachPick([{ type: "binpack", field: "cpu" }], (s, j, chosen) => (s.remainingCpu[j] ?? 0) < (s.remainingCpu[chosen] ?? 0));
  });

  void it("spread(instanceId) never adds to an instance when an eligible one has fewer of the group's tasks", () => {
    checkEachPick([{ type: "spread", field: "instanceId" }], (s, j, chosen, group) => s.groupCount(group, j) < s.groupCount(group, chosen));
  });

  void it("spread(AZ) never adds to a zone when an eligible instance is in a zone with fewer of the group's tasks", () => {
    const zoneLoad = (s: ClusterState, i: number, group: string): number => {
      const index = s.attributeIndex("ecs.availability-zone");
      let load = 0;
      for (let k = 0; k < s.size; k++) if (index.valueIds[k] === index.valueIds[i]) load += s.groupCount(group, k);
      return load;
    };
    checkEachPick([{ type: "spread", field: "attribute:ecs.availability-zone" }], (s, j, chosen, group) => zoneLoad(s, j, group) < zoneLoad(s, chosen, group));
  });
});
