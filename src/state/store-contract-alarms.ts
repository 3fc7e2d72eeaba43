import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AlarmRecord } from "../domain/metrics/alarm.js";
import { metricId } from "../domain/metrics/series.js";
import type { AlarmHistoryRecord, AlarmQuery, HistoryQuery } from "./alarm-records.js";
import type { Store } from "./store.js";
import { withNewStore } from "./store-contract-open.js";

const anAlarm = (name: string, state: AlarmRecord["state"] = "OK"): AlarmRecord => ({
  name,
  arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
  metric: metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }]),
  statistic: "Average",
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 50,
  comparison: "GreaterThanThreshold",
  treatMissingData: "missing",
  actionsEnabled: true,
  alarmActions: [],
  okActions: [],
  insufficientDataActions: [],
  configuredAtMs: 1,
  state,
  stateReason: "r",
  stateUpdatedAtMs: 1,
  stateTransitionedAtMs: 1,
});
const anEntry = (alarmName: string, atMs: number, type: AlarmHistoryRecord["type"] = "StateUpdate"): AlarmHistoryRecord => ({ alarmName, atMs, type, summary: `${alarmName}@${atMs}`, data: "{}" });

/** The alarm repository's behaviour, for every Store: `open()` gives a new, empty store. */
export function alarmsContract(name: string, open: () => Promise<Store>): void {
  const withStore = withNewStore(open);

  describe(`the alarm repository: ${name}`, () => {
    it("keeps alarms by name, lists them by prefix, state and page, or by names, and deletes them", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const [n, s] of [["web-high", "ALARM"], ["web-low", "OK"], ["api-high", "OK"], ["web-mid", "OK"]] as const) await tx.alarms.put(anAlarm(n, s));
          await tx.alarms.put(anAlarm("web-mid", "INSUFFICIENT_DATA"));
        });
        const names = async (q: AlarmQuery) =>
          store.read(async (tx) => {
            const page = await tx.alarms.list(q);
            return [page.items.map((a) => a.name), page.next];
          });
        assert.deepEqual(await names({ namePrefix: "web-", limit: 2 }), [["web-high", "web-low"], "web-low"]);
        assert.deepEqual(await names({ namePrefix: "web-", after: "web-low", limit: 2 }), [["web-mid"], undefined]);
        assert.deepEqual(await names({ state: "OK", limit: 10 }), [["api-high", "web-low"], undefined]);
        assert.deepEqual(await names({ names: ["web-mid", "nope", "api-high", "web-mid"], limit: 1 }), [["api-high", "web-mid"], undefined]);
        assert.deepEqual(await names({ names: ["web-mid", "api-high"], state: "OK", limit: 10 }), [["api-high"], undefined]);
        // A name holding a NUL matches nothing, and the others are still found (PostgreSQL refuses such a parameter).
        assert.deepEqual(await names({ names: ["web-mid", "x\u0000"], limit: 10 }), [["web-mid"], undefined]);
        assert.deepEqual(await store.read((tx) => tx.alarms.get("web-mid")), anAlarm("web-mid", "INSUFFICIENT_DATA"));
        assert.equal(await store.write((tx) => tx.alarms.delete("web-mid")), true);
        assert.equal(await store.write((tx) => tx.alarms.delete("web-mid")), false);
        assert.equal(await store.read((tx) => tx.alarms.get("web-mid")), undefined);
      }));

    it("reads history by alarm, type and time, either order, by offset; prunes the old", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const [n, at] of [["a", 10], ["b", 10], ["a", 20], ["a", 20], ["a", 30]] as const) await tx.alarms.addHistory(anEntry(n, at));
          await tx.alarms.addHistory(anEntry("a", 25, "Action"));
        });
        const read = (q: Partial<HistoryQuery>) =>
          store.read(async (tx) => (await tx.alarms.history({ fromMs: 0, toMs: 100, newestFirst: false, offset: 0, limit: 10, ...q })).map((e) => e.summary));
        assert.deepEqual(await read({}), ["a@10", "b@10", "a@20", "a@20", "a@25", "a@30"]);
        assert.deepEqual(await read({ alarmName: "a", type: "StateUpdate", newestFirst: true, offset: 1, limit: 2 }), ["a@20", "a@20"]);
        assert.deepEqual(await read({ fromMs: 20, toMs: 30 }), ["a@20", "a@20", "a@25"]);
        assert.deepEqual(await store.read(async (tx) => (await tx.alarms.history({ fromMs: 0, toMs: 100, newestFirst: false, offset: 0, limit: 1 }))[0]), anEntry("a", 10));
        assert.equal(await store.write((tx) => tx.alarms.pruneHistory(20)), 2);
        assert.deepEqual(await read({}), ["a@20", "a@20", "a@25", "a@30"]);
      }));
  });
}
