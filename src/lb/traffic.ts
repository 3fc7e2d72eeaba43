import type { LoadBalancerRecord } from "../domain/load-balancing/types.js";
import { addSketch, addToSketch, type Sketch } from "../domain/metrics/sketch.js";

/*
 * What a serving process counts of the traffic it carries, for the load balancers' CloudWatch
 * metrics (metrics/elb-metrics.ts): each counter is named as CloudWatch names its metric.
 * `RequestCount` counts requests for which a target was chosen, as ELB's does; the ELB codes are
 * the load balancer's own answers (fixed responses, redirects, 502/503/504).
 */

/** Counted per load balancer and per target group (CloudWatch: LoadBalancer; LoadBalancer and TargetGroup). */
export const targetCounters = [
  "RequestCount",
  "HTTPCode_Target_2XX_Count",
  "HTTPCode_Target_3XX_Count",
  "HTTPCode_Target_4XX_Count",
  "HTTPCode_Target_5XX_Count",
  "TargetConnectionErrorCount",
] as const;
/** The load balancer's own answers and its clients' connections (CloudWatch: LoadBalancer only). */
export const loadBalancerCounters = [
  "HTTPCode_ELB_3XX_Count",
  "HTTPCode_ELB_4XX_Count",
  "HTTPCode_ELB_5XX_Count",
  "HTTPCode_ELB_500_Count",
  "HTTPCode_ELB_502_Count",
  "HTTPCode_ELB_503_Count",
  "HTTPCode_ELB_504_Count",
  "HTTP_Fixed_Response_Count",
  "HTTP_Redirect_Count",
  "NewConnectionCount",
] as const;
/** Every counter: a network load balancer's flows too. */
export const trafficCounters = [...targetCounters, ...loadBalancerCounters, "NewFlowCount"] as const;
export type TrafficCounter = (typeof trafficCounters)[number];

const slot = Object.fromEntries(trafficCounters.map((name, i) => [name, i])) as Record<TrafficCounter, number>;
/** After the counters: the target response times' sum, count, minimum and maximum, in seconds. */
const timeSum = trafficCounters.length;
const width = timeSum + 4;

/**
 * One row of counts: the counters in `trafficCounters`' order, then the response times' sum,
 * count, minimum and maximum (seconds). Plain numbers, so that a row crosses IPC as it is.
 */
export type TrafficRow = readonly number[];

/** A load balancer's listeners forward to a target group: its targets' health now. */
export interface Attachment {
  readonly loadBalancer: LoadBalancerRecord;
  readonly groupArn: string;
  /** Targets taking requests (healthy, or registered in a group without health checks). */
  readonly healthy: number;
  readonly unhealthy: number;
}

/** What the load balancers' CloudWatch metrics are made of (metrics/elb-metrics.ts). */
export interface ElbMetricInputs {
  readonly loadBalancers: readonly LoadBalancerRecord[];
  readonly attachments: readonly Attachment[];
  /** The traffic since the last time, in every serving process. */
  readonly traffic: TrafficEntries;
}

/**
 * Rows by load balancer ARN, then by target group ARN ("" for what no group answered), each with
 * the distribution of its target response times (domain/metrics/sketch.ts, as `[key, count]` pairs).
 */
export type TrafficEntries = readonly (readonly [lbArn: string, groupArn: string, row: TrafficRow, times: readonly (readonly [number, number])[]])[];

interface Cell {
  readonly counts: number[];
  readonly times: Map<number, number>;
}

const emptyRow = (): number[] => {
  const row = new Array<number>(width).fill(0);
  row[timeSum + 2] = Infinity;
  row[timeSum + 3] = -Infinity;
  return row;
};

function addRow(into: number[], from: TrafficRow): void {
  for (let i = 0; i < timeSum + 2; i++) into[i]! += from[i] ?? 0;
  into[timeSum + 2] = Math.min(into[timeSum + 2]!, from[timeSum + 2] ?? Infinity);
  into[timeSum + 3] = Math.max(into[timeSum + 3]!, from[timeSum + 3] ?? -Infinity);
}

/** Rows added up (a load balancer's, over its target groups). */
export function sumRows(rows: readonly TrafficRow[]): TrafficRow {
  const out = emptyRow();
  for (const row of rows) addRow(out, row);
  return out;
}

/** The value of a counter in a row. */
export const counted = (row: TrafficRow, name: TrafficCounter): number => row[slot[name]] ?? 0;

/** A row's target response times (seconds), or undefined without any. */
export function responseTimes(row: TrafficRow): { sum: number; count: number; min: number; max: number } | undefined {
  const count = row[timeSum + 1] ?? 0;
  return count === 0 ? undefined : { sum: row[timeSum] ?? 0, count, min: row[timeSum + 2] ?? 0, max: row[timeSum + 3] ?? 0 };
}

/** The target classes of a status code, as CloudWatch counts them. */
const targetClass = (status: number): TrafficCounter | undefined =>
  status >= 500 ? "HTTPCode_Target_5XX_Count" : status >= 400 ? "HTTPCode_Target_4XX_Count" : status >= 300 ? "HTTPCode_Target_3XX_Count" : status >= 200 ? "HTTPCode_Target_2XX_Count" : undefined;

/**
 * Counts by load balancer and target group, in memory, until drained. Every count is one map
 * lookup per level and an increment: nothing allocated per request once a pair has a row.
 */
export class TrafficTally {
  private cells = new Map<string, Map<string, Cell>>();

  private cell(lbArn: string, groupArn: string): Cell {
    let groups = this.cells.get(lbArn);
    if (!groups) this.cells.set(lbArn, (groups = new Map<string, Cell>()));
    let cell = groups.get(groupArn);
    if (!cell) groups.set(groupArn, (cell = { counts: emptyRow(), times: new Map() }));
    return cell;
  }

  /** Adds one to a counter of a load balancer (of one of its target groups, when `groupArn` names one). */
  count(lbArn: string, groupArn: string | undefined, name: TrafficCounter): void {
    this.cell(lbArn, groupArn ?? "").counts[slot[name]]! += 1;
  }

  /** A target's response began: its status class, and the seconds from the request sent to its headers. */
  targetResponse(lbArn: string, groupArn: string, status: number, seconds: number): void {
    const { counts: row, times } = this.cell(lbArn, groupArn);
    const cls = targetClass(status);
    if (cls) row[slot[cls]]! += 1;
    row[timeSum]! += seconds;
    row[timeSum + 1]! += 1;
    if (seconds < row[timeSum + 2]!) row[timeSum + 2] = seconds;
    if (seconds > row[timeSum + 3]!) row[timeSum + 3] = seconds;
    addToSketch(times, seconds);
  }

  /** An answer of the load balancer's own (503 without a target, a fixed response's code…): its class, and its code for 500/502/503/504. */
  elbResponse(lbArn: string, status: number): void {
    const row = this.cell(lbArn, "").counts;
    const cls: TrafficCounter | undefined = status >= 500 ? "HTTPCode_ELB_5XX_Count" : status >= 400 ? "HTTPCode_ELB_4XX_Count" : status >= 300 ? "HTTPCode_ELB_3XX_Count" : undefined;
    if (cls) row[slot[cls]]! += 1;
    const exact = `HTTPCode_ELB_${status}_Count`;
    if (exact in slot) row[slot[exact as TrafficCounter]]! += 1;
  }

  /** Adds another tally's rows (a listener worker's) to this one. */
  merge(entries: TrafficEntries): void {
    for (const [lbArn, groupArn, from, times] of entries) {
      const cell = this.cell(lbArn, groupArn);
      addRow(cell.counts, from);
      addSketch(cell.times, times);
    }
  }

  /** Everything counted (since the last drain), as rows: copies, which later counts leave alone. */
  entries(): TrafficEntries {
    const out: [string, string, TrafficRow, [number, number][]][] = [];
    for (const [lbArn, groups] of this.cells) for (const [groupArn, cell] of groups) out.push([lbArn, groupArn, [...cell.counts], [...cell.times]]);
    return out;
  }

  /** Everything counted since the last drain; the tally starts empty again. */
  drain(): TrafficEntries {
    const out = this.entries();
    this.cells = new Map<string, Map<string, Cell>>();
    return out;
  }
}

/** The distribution of the target response times of entries (one pair's, or a load balancer's over its groups). */
export function responseTimeSketch(entries: TrafficEntries): Sketch {
  const out = new Map<number, number>();
  for (const [, , , times] of entries) addSketch(out, times);
  return out;
}

/** A listener worker's traffic message, checked: the worker is the server's own child, but a message is still only data. */
export function readTrafficEntries(entries: unknown): TrafficEntries | undefined {
  if (!Array.isArray(entries)) return undefined;
  const out: [string, string, TrafficRow, [number, number][]][] = [];
  for (const e of entries as unknown[]) {
    if (!Array.isArray(e) || typeof e[0] !== "string" || typeof e[1] !== "string" || !Array.isArray(e[2]) || e[2].length !== width || !Array.isArray(e[3])) return undefined;
    const row = e[2] as unknown[];
    const times: [number, number][] = [];
    for (const t of e[3] as unknown[]) {
      if (!Array.isArray(t) || !Number.isInteger(t[0]) || typeof t[1] !== "number" || !(t[1] > 0)) return undefined;
      times.push([t[0] as number, t[1]]);
    }
    // JSON has no Infinity: an empty minimum and maximum arrive as null.
    out.push([e[0], e[1], row.map((v, i) => (typeof v === "number" ? v : i === timeSum + 2 ? Infinity : -Infinity)), times]);
  }
  return out;
}
