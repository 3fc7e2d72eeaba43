import type { MetricQuery } from "./queries.js";
import type { MetricId } from "./series.js";
import type { Stat } from "./statistics.js";

export const alarmStates = ["OK", "ALARM", "INSUFFICIENT_DATA"] as const;
export type AlarmState = (typeof alarmStates)[number];

export const comparisonOperators = ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];

export const missingDataTreatments = ["missing", "notBreaching", "breaching", "ignore"] as const;
export type MissingDataTreatment = (typeof missingDataTreatments)[number];

/**
 * A metric alarm as PutMetricAlarm defines it and the evaluator keeps it (the store's document):
 * on one metric's statistic (`metric`, `statistic`, `unit`), or on metric math (`queries`, one of
 * which returns the series watched; its metrics' period is the alarm's).
 */
export interface AlarmRecord {
  readonly name: string;
  readonly arn: string;
  readonly description?: string | undefined;
  readonly metric?: MetricId | undefined;
  /** Statistic or ExtendedStatistic (a percentile). */
  readonly statistic?: Stat | undefined;
  readonly unit?: string | undefined;
  /** A percentile alarm's EvaluateLowSampleCountPercentile: `ignore` keeps the state while a period has too few values to say. */
  readonly lowSampleCount?: "evaluate" | "ignore" | undefined;
  readonly queries?: readonly MetricQuery[] | undefined;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly treatMissingData: MissingDataTreatment;
  readonly actionsEnabled: boolean;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
  readonly configuredAtMs: number;
  readonly state: AlarmState;
  readonly stateReason: string;
  readonly stateReasonData?: string | undefined;
  readonly stateUpdatedAtMs: number;
  /** When the state last changed to another value (StateUpdatedTimestamp also moves on a SetAlarmState to the same one). */
  readonly stateTransitionedAtMs: number;
}

/** One period of the evaluation range: its start and its statistic's value, or undefined when it has no data. */
export interface PeriodValue {
  readonly startMs: number;
  readonly value: number | undefined;
}

export interface Evaluation {
  readonly state: AlarmState;
  readonly reason: string;
  readonly reasonData: string;
}

const symbols: Record<ComparisonOperator, string> = {
  GreaterThanOrEqualToThreshold: "greater than or equal to",
  GreaterThanThreshold: "greater than",
  LessThanThreshold: "less than",
  LessThanOrEqualToThreshold: "less than or equal to",
};

export function breaches(value: number, op: ComparisonOperator, threshold: number): boolean {
  switch (op) {
    case "GreaterThanOrEqualToThreshold":
      return value >= threshold;
    case "GreaterThanThreshold":
      return value > threshold;
    case "LessThanThreshold":
      return value < threshold;
    case "LessThanOrEqualToThreshold":
      return value <= threshold;
  }
}

/** The starts of the `evaluationPeriods` most recent complete periods before `nowMs`, oldest first. */
export function evaluationRange(alarm: Pick<AlarmRecord, "periodSeconds" | "evaluationPeriods">, nowMs: number): number[] {
  const p = alarm.periodSeconds * 1000;
  const end = Math.floor(nowMs / p) * p;
  return Array.from({ length: alarm.evaluationPeriods }, (_, i) => end - (alarm.evaluationPeriods - i) * p);
}

/**
 * CloudWatch's evaluation of a metric alarm over its range (M datapoints of N periods breaching
 * is ALARM), missing data treated as `treatMissingData` says: `breaching` and `notBreaching` fill
 * the gaps; `missing` and `ignore` count only real datapoints, and when there are fewer than M of
 * them and none decides, `ignore` keeps the current state and `missing` keeps it too unless every
 * period is empty (INSUFFICIENT_DATA). Undefined: the state stays as it is. Pure.
 */
export function evaluateAlarm(alarm: AlarmRecord, range: readonly PeriodValue[]): Evaluation | undefined {
  const m = alarm.datapointsToAlarm;
  const filled = range.map((p) => ({
    ...p,
    breaching: p.value !== undefined ? breaches(p.value, alarm.comparison, alarm.threshold) : alarm.treatMissingData === "breaching" ? true : alarm.treatMissingData === "notBreaching" ? false : undefined,
  }));
  const known = filled.filter((p) => p.breaching !== undefined);
  const breaching = known.filter((p) => p.breaching).length;
  const real = range.filter((p) => p.value !== undefined);
  const data = JSON.stringify({
    version: "1.0",
    queryDate: undefined,
    statistic: alarm.statistic,
    period: alarm.periodSeconds,
    recentDatapoints: real.map((p) => p.value),
    threshold: alarm.threshold,
    evaluatedDatapoints: real.map((p) => ({ timestamp: new Date(p.startMs).toISOString(), sampleCount: 1, value: p.value })),
  });
  const points = `[${real.map((p) => `${fmt(p.value!)} (${new Date(p.startMs).toISOString()})`).join(", ")}]`;
  if (breaching >= m) {
    return { state: "ALARM", reason: `Threshold Crossed: ${breaching} out of the last ${range.length} datapoints ${points} ${breaching === 1 ? "was" : "were"} ${symbols[alarm.comparison]} the threshold (${fmt(alarm.threshold)}) (minimum ${m} datapoint${m === 1 ? "" : "s"} for ${alarm.state} -> ALARM transition).`, reasonData: data };
  }
  if (known.length >= m || (known.length > 0 && known.length - breaching > range.length - m)) {
    const fine = known.length - breaching;
    return { state: "OK", reason: `Threshold Crossed: ${fine} out of the last ${range.length} datapoints ${points} ${fine === 1 ? "was" : "were"} not ${symbols[alarm.comparison]} the threshold (${fmt(alarm.threshold)}) (minimum 1 datapoint for ${alarm.state} -> OK transition).`, reasonData: data };
  }
  if (real.length === 0 && alarm.treatMissingData === "missing") {
    return { state: "INSUFFICIENT_DATA", reason: `Insufficient Data: ${range.length} datapoint${range.length === 1 ? " was" : "s were"} unknown.`, reasonData: data };
  }
  return undefined;
}

const fmt = (n: number): string => (Number.isInteger(n) ? n.toFixed(1) : String(n));
