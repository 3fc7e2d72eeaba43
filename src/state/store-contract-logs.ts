import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LogEventQuery, LogGroupQuery, LogGroupRecord, LogStreamQuery } from "./log-records.js";
import type { Store } from "./store.js";
import { withNewStore } from "./store-contract-open.js";

const aGroup = (name: string, over: Partial<LogGroupRecord> = {}): LogGroupRecord => ({ name, createdMs: 1, tags: {}, storedBytes: 0, ...over });
const aStream = (groupName: string, name: string) => ({ groupName, name, createdMs: 2, storedBytes: 0 });

/** The CloudWatch Logs repository's behaviour, for every Store: `open()` gives a new, empty store. */
export function logsContract(name: string, open: () => Promise<Store>): void {
  const withStore = withNewStore(open);

  describe(`the logs repository: ${name}`, () => {
    it("creates groups once, lists them by name with a prefix, a case-insensitive pattern and pages, and keeps retention and tags", () =>
      withStore(async (store) => {
        const created = await store.write(async (tx) => {
          const firsts = [];
          for (const g of ["/ecs/web", "/ecs/API", "/batch/x", "/ecs/worker"]) firsts.push(await tx.logs.createGroup(aGroup(g, { tags: { team: g } })));
          return [...firsts, await tx.logs.createGroup(aGroup("/ecs/web", { createdMs: 9 }))];
        });
        assert.deepEqual(created, [true, true, true, true, false]);
        const names = async (q: LogGroupQuery) =>
          store.read(async (tx) => {
            const page = await tx.logs.groups(q);
            return [page.items.map((g) => g.name), page.nextAfter];
          });
        assert.deepEqual(await names({ prefix: "/ecs/", limit: 2 }), [["/ecs/API", "/ecs/web"], "/ecs/web"]);
        assert.deepEqual(await names({ prefix: "/ecs/", after: "/ecs/web", limit: 2 }), [["/ecs/worker"], undefined]);
        assert.deepEqual(await names({ pattern: "api", limit: 10 }), [["/ecs/API"], undefined]);
        assert.deepEqual(await names({ pattern: "W", limit: 10 }), [["/ecs/web", "/ecs/worker"], undefined]);
        assert.deepEqual(await names({ prefix: "/ECS", limit: 10 }), [[], undefined]);
        await store.write(async (tx) => {
          await tx.logs.setRetention("/ecs/web", 7);
          await tx.logs.setTags("/ecs/web", { a: "1", b: "\u0000é" });
        });
        assert.deepEqual(await store.read((tx) => tx.logs.group("/ecs/web")), { name: "/ecs/web", createdMs: 1, retentionDays: 7, tags: { a: "1", b: "\u0000é" }, storedBytes: 0 });
        assert.deepEqual((await store.read((tx) => tx.logs.retainedGroups())).map((g) => g.name), ["/ecs/web"]);
        await store.write((tx) => tx.logs.setRetention("/ecs/web", undefined));
        assert.deepEqual(await store.read((tx) => tx.logs.retainedGroups()), []);
        assert.equal(await store.read((tx) => tx.logs.group("/nope")), undefined);
      }));

    it("lists streams by name (prefix, either direction, after a name) or by last event time, ties by name", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.logs.createGroup(aGroup("g"));
          await tx.logs.createGroup(aGroup("other"));
          for (const s of ["web/1", "web/2", "api/1", "idle"]) assert.equal(await tx.logs.createStream(aStream("g", s)), true);
          assert.equal(await tx.logs.createStream(aStream("g", "web/1")), false);
          assert.equal(await tx.logs.createStream(aStream("missing", "x")), false);
          await tx.logs.createStream(aStream("other", "web/0"));
          await tx.logs.append("g", "web/1", [{ timestamp: 30, message: "a" }], 100);
          await tx.logs.append("g", "web/2", [{ timestamp: 10, message: "a" }], 100);
          await tx.logs.append("g", "api/1", [{ timestamp: 30, message: "a" }], 100);
        });
        const names = (q: Omit<LogStreamQuery, "group">) =>
          store.read(async (tx) => (await tx.logs.streams({ group: "g", ...q })).map((s) => s.name));
        assert.deepEqual(await names({ orderBy: "LogStreamName", descending: false, limit: 10 }), ["api/1", "idle", "web/1", "web/2"]);
        assert.deepEqual(await names({ prefix: "web/", orderBy: "LogStreamName", descending: true, limit: 10 }), ["web/2", "web/1"]);
        assert.deepEqual(await names({ orderBy: "LogStreamName", descending: false, after: { name: "idle", lastEventMs: 0 }, limit: 1 }), ["web/1"]);
        assert.deepEqual(await names({ orderBy: "LastEventTime", descending: false, limit: 10 }), ["idle", "web/2", "api/1", "web/1"]);
        assert.deepEqual(await names({ orderBy: "LastEventTime", descending: true, limit: 10 }), ["web/1", "api/1", "web/2", "idle"]);
        assert.deepEqual(await names({ orderBy: "LastEventTime", descending: false, after: { name: "api/1", lastEventMs: 30 }, limit: 10 }), ["web/1"]);
        assert.deepEqual(await store.read((tx) => tx.logs.streams({ group: "missing", orderBy: "LogStreamName", descending: false, limit: 10 })), []);
      }));

    it("appends events in order, keeps the streams' and groups' figures, and the resume cursor with or without events", () =>
      withStore(async (store) => {
        const odd = "nul \u0000 and é, 😀";
        await store.write(async (tx) => {
          await tx.logs.createGroup(aGroup("g"));
          await tx.logs.createStream(aStream("g", "s"));
          await tx.logs.append("g", "s", [{ timestamp: 50, message: "b" }, { timestamp: 20, message: odd }, { timestamp: 50, message: "a" }], 1000, "cursor-1");
          await tx.logs.append("g", "s", [], 2000, "cursor-2");
          await tx.logs.append("g", "s", [{ timestamp: 70, message: "c" }], 3000);
          await tx.logs.append("g", "missing", [{ timestamp: 70, message: "lost" }], 3000);
        });
        const stream = await store.read((tx) => tx.logs.stream("g", "s"));
        const bytes = 1 + Buffer.byteLength(odd) + 1 + 1;
        assert.deepEqual(stream, { groupName: "g", name: "s", createdMs: 2, firstEventMs: 20, lastEventMs: 70, lastIngestionMs: 3000, storedBytes: bytes, resumeCursor: "cursor-2" });
        assert.equal((await store.read((tx) => tx.logs.group("g")))?.storedBytes, bytes);
        const events = await store.read((tx) => tx.logs.events({ group: "g", descending: false, limit: 10 }));
        assert.deepEqual(events.map((e) => [e.timestamp, e.message, e.streamName, e.ingestionMs]), [[20, odd, "s", 1000], [50, "b", "s", 1000], [50, "a", "s", 1000], [70, "c", "s", 3000]]);
        assert.ok(events[1]!.id < events[2]!.id, "events of one timestamp keep the batch's order");
        await store.write((tx) => tx.logs.deleteStream("g", "s"));
        assert.equal(await store.read((tx) => tx.logs.stream("g", "s")), undefined);
        assert.equal((await store.read((tx) => tx.logs.group("g")))?.storedBytes, 0);
        assert.deepEqual(await store.read((tx) => tx.logs.events({ group: "g", descending: false, limit: 10 })), []);
      }));

    it("reads events by streams, stream prefix, time range, position, substrings and a predicate, in (timestamp, id) order either way", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.logs.createGroup(aGroup("g"));
          await tx.logs.createGroup(aGroup("h"));
          for (const s of ["a", "b", "c"]) await tx.logs.createStream(aStream("g", s));
          await tx.logs.createStream(aStream("h", "a"));
          for (let i = 0; i < 30; i++) await tx.logs.append("g", ["a", "b", "c"][i % 3]!, [{ timestamp: 1000 + i * 10, message: `${i % 2 === 0 ? "ERROR" : "info"} #${i}` }], 5000);
          await tx.logs.append("h", "a", [{ timestamp: 1000, message: "ERROR elsewhere" }], 5000);
        });
        const read = (q: Omit<LogEventQuery, "group" | "descending" | "limit"> & Partial<Pick<LogEventQuery, "descending" | "limit">>) =>
          store.read(async (tx) => (await tx.logs.events({ group: "g", descending: false, limit: 100, ...q })).map((e) => e.message.split("#")[1]));
        const numbers = (...n: number[]) => n.map(String);
        assert.equal((await read({})).length, 30);
        assert.deepEqual(await read({ streams: ["b"], limit: 3 }), numbers(1, 4, 7));
        assert.deepEqual(await read({ streams: ["b", "c", "nope"], limit: 4 }), numbers(1, 2, 4, 5));
        assert.deepEqual(await read({ streams: ["nope"] }), []);
        assert.deepEqual(await read({ streamPrefix: "c", fromMs: 1050, toMs: 1110 }), numbers(5, 8));
        assert.deepEqual(await read({ descending: true, limit: 3 }), numbers(29, 28, 27));
        const all = await store.read((tx) => tx.logs.events({ group: "g", descending: false, limit: 100 }));
        const at = (i: number) => ({ timestamp: all[i]!.timestamp, id: all[i]!.id });
        assert.deepEqual(await read({ from: at(26) }), numbers(27, 28, 29));
        assert.deepEqual(await read({ from: at(3), descending: true }), numbers(2, 1, 0));
        assert.deepEqual(await read({ contains: [["ERROR"], ["#1", "#2"]] }), numbers(2, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28));
        assert.deepEqual(await read({ contains: [[], ["#29"]] }), numbers(29));
        assert.deepEqual(await read({ matches: (m) => m.endsWith("7"), limit: 2 }), numbers(7, 17));
        assert.deepEqual(await read({ matches: (m) => m.endsWith("7"), from: at(7), descending: true }), []);
        assert.deepEqual(await read({ matches: (m) => m.startsWith("info"), contains: [["#2"]], descending: true }), numbers(29, 27, 25, 23, 21));
        assert.deepEqual(await read({ matches: () => false }), []);
        assert.deepEqual(await store.read((tx) => tx.logs.events({ group: "missing", descending: false, limit: 10 })), []);
      }));

    it("finds a predicate's events past thousands that it refuses", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.logs.createGroup(aGroup("g"));
          await tx.logs.createStream(aStream("g", "s"));
          const events = Array.from({ length: 5000 }, (_, i) => ({ timestamp: i, message: i % 1000 === 999 ? `hit ${i}` : `miss ${i}` }));
          await tx.logs.append("g", "s", events, 1);
        });
        const hits = await store.read((tx) => tx.logs.events({ group: "g", descending: false, limit: 3, matches: (m) => m.startsWith("hit") }));
        assert.deepEqual(hits.map((e) => e.message), ["hit 999", "hit 1999", "hit 2999"]);
        const last = await store.read((tx) => tx.logs.events({ group: "g", descending: true, limit: 10, matches: (m) => m.startsWith("hit") }));
        assert.deepEqual(last.map((e) => e.timestamp), [4999, 3999, 2999, 1999, 999]);
      }));

    it("expires a group's oldest events up to a limit, moving its streams' first event time; deletes groups whole", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const g of ["g", "h"]) {
            await tx.logs.createGroup(aGroup(g));
            await tx.logs.createStream(aStream(g, "s"));
            await tx.logs.createStream(aStream(g, "t"));
            await tx.logs.append(g, "s", [10, 20, 30].map((timestamp) => ({ timestamp, message: "s" })), 1);
            await tx.logs.append(g, "t", [15, 40].map((timestamp) => ({ timestamp, message: "t" })), 1);
          }
        });
        assert.equal(await store.write((tx) => tx.logs.expire("g", 25, 2)), 2);
        assert.equal((await store.read((tx) => tx.logs.stream("g", "s")))?.firstEventMs, 20);
        assert.equal((await store.read((tx) => tx.logs.stream("g", "t")))?.firstEventMs, 40);
        assert.equal(await store.write((tx) => tx.logs.expire("g", 100, 10)), 3);
        assert.equal((await store.read((tx) => tx.logs.stream("g", "s")))?.firstEventMs, undefined);
        assert.equal(await store.write((tx) => tx.logs.expire("missing", 100, 10)), 0);
        assert.equal((await store.read((tx) => tx.logs.events({ group: "h", descending: false, limit: 10 }))).length, 5);
        await store.write((tx) => tx.logs.deleteGroup("h"));
        assert.equal(await store.read((tx) => tx.logs.group("h")), undefined);
        assert.equal(await store.read((tx) => tx.logs.stream("h", "s")), undefined);
        assert.equal(await store.write((tx) => tx.logs.createGroup(aGroup("h"))), true);
        assert.deepEqual(await store.read((tx) => tx.logs.events({ group: "h", descending: false, limit: 10 })), []);
        assert.ok(await store.read((tx) => tx.logs.group("g")));
      }));
  });
}
