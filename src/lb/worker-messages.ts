import type { ServingView } from "./serving-view.js";
import { readTrafficEntries, type TrafficEntries } from "./traffic.js";

/**
 * The messages between the control plane and its listener workers (node:cluster IPC, JSON).
 * A worker says `ready` once it listens for messages (one sent earlier would be lost).
 * To a worker: `init` once (what every listener of the data plane shares), then every `view`,
 * numbered. From a worker: `applied` for each view, with the in-flight counts asked for, taken in
 * the same turn as the view applied; and `traffic` every second it carried any (traffic.ts).
 */
export type ToWorker =
  | { readonly type: "init"; readonly bindAddress: string; readonly logLevel: string; readonly stickySecret: string }
  | { readonly type: "view"; readonly generation: number; readonly view: ServingView; readonly counted: readonly string[] };

export interface Applied {
  readonly type: "applied";
  readonly generation: number;
  readonly inFlight: readonly (readonly [string, number])[];
}

/** A worker's answer, checked: the worker is the server's own child, but a message is still only data. */
export function readApplied(m: unknown): Applied | undefined {
  if (typeof m !== "object" || m === null) return undefined;
  const o = m as Record<string, unknown>;
  if (o.type !== "applied" || typeof o.generation !== "number" || !Array.isArray(o.inFlight)) return undefined;
  const inFlight: [string, number][] = [];
  for (const e of o.inFlight as unknown[]) {
    if (!Array.isArray(e) || typeof e[0] !== "string" || typeof e[1] !== "number" || !(e[1] >= 0)) return undefined;
    inFlight.push([e[0], e[1]]);
  }
  return { type: "applied", generation: o.generation, inFlight };
}

export const isReady = (m: unknown): boolean => typeof m === "object" && m !== null && "type" in m && m.type === "ready";

export interface Traffic {
  readonly type: "traffic";
  readonly entries: TrafficEntries;
}

/** A worker's traffic counts, checked. */
export function readTraffic(m: unknown): TrafficEntries | undefined {
  if (typeof m !== "object" || m === null || !("type" in m) || m.type !== "traffic" || !("entries" in m)) return undefined;
  return readTrafficEntries(m.entries);
}
