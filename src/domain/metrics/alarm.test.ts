import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { evaluateAlarm, evaluationRange, type AlarmRecord, type MissingDataTreatment, type PeriodValue } from "./alarm.js";
import { metricId } from "./series.js";

const anAlarm = (o: Partial<AlarmRecord> = {}): AlarmRecord => ({
  name: "high-cpu", arn: "arn:aws:cloudwatch:us-east-1:000000000000:alarm:high-cpu", metric: metricId("AWS/ECS", "CPUUtilization"), statistic: "Average",
  periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 50, comparison: "GreaterThanThreshold", treatMissingData: "missing",
  actionsEnabled: true, alarmActions: [], okActions: [], insufficientDataActions: [], configuredAtMs: 0,
  state: "INSUFFICIENT_DATA", stateReason: "Unchecked: Initial alarm creation", stateUpdatedAtMs: 0, stateTransitionedAtMs: 0, ...o,
});
const range = (...values: (number | undefined)[]): PeriodValue[] => values.map((value, i) => ({ startMs: i * 60_000, value }));

describe("alarm evaluation (M of N, missing data treatments)", () => {
  const cases: [string, Partial<AlarmRecord>, (number | undefined)[], string | undefined][] = [
    ["2 of 3 above: ALARM", {}, [60, 40, 70], "ALARM"],
    ["1 of 3 above: OK", {}, [60, 40, 30], "OK"],
    ["exactly at the threshold is not above", {}, [50, 50, 50], "OK"],
    ["…but is for GreaterThanOrEqualToThreshold", { comparison: "GreaterThanOrEqualToThreshold" }, [50, 50, 10], "ALARM"],
    ["LessThanThreshold", { comparison: "LessThanThreshold", threshold: 10 }, [5, 5, 50], "ALARM"],
    ["all missing, missing: INSUFFICIENT_DATA", {}, [undefined, undefined, undefined], "INSUFFICIENT_DATA"],
    ["all missing, breaching: ALARM", { treatMissingData: "breaching" }, [undefined, undefined, undefined], "ALARM"],
    ["all missing, notBreaching: OK", { treatMissingData: "notBreaching" }, [undefined, undefined, undefined], "OK"],
    ["all missing, ignore: the state stays", { treatMissingData: "ignore", state: "ALARM" }, [undefined, undefined, undefined], undefined],
    ["one breaching datapoint and gaps filled as breaching: ALARM", { treatMissingData: "breaching" }, [undefined, 90, undefined], "ALARM"],
    ["one breaching datapoint, missing: undecided, the state stays", { state: "OK" }, [undefined, 90, undefined], undefined],
    ["two real fine datapoints of three: OK", {}, [undefined, 10, 20], "OK"],
    ["one real fine datapoint where 2 of 3 are needed to alarm: no alarm possible, OK", { datapointsToAlarm: 3 }, [undefined, 10, undefined], "OK"],
  ];
  for (const [what, alarm, values, want] of cases) {
    it(what, () => assert.equal(evaluateAlarm(anAlarm(alarm), range(...values))?.state, want));
  }

  it("says why in CloudWatch's words", () => {
    const e = evaluateAlarm(anAlarm({ state: "OK" }), range(60, 40, 70));
    assert.match(e?.reason ?? "", /^Threshold Crossed: 2 out of the last 3 datapoints \[60\.0 \(.*\), 40\.0 .*, 70\.0 .*\] were greater than the threshold \(50\.0\) \(minimum 2 datapoints for OK -> ALARM transition\)\.$/);
    assert.deepEqual((JSON.parse(e?.reasonData ?? "{}") as { recentDatapoints?: unknown }).recentDatapoints, [60, 40, 70]);
  });

  it("evaluates the N most recent complete periods", () => {
    assert.deepEqual(evaluationRange({ periodSeconds: 60, evaluationPeriods: 3 }, 600_030), [420_000, 480_000, 540_000]);
    for (const t of ["missing", "ignore"] as MissingDataTreatment[]) assert.equal(evaluateAlarm(anAlarm({ treatMissingData: t }), range(90, 90, undefined))?.state, "ALARM");
  });
});
