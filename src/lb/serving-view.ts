import type { LiveGroup, LiveListener } from "./config.js";
import type { TrafficEntries } from "./traffic.js";

/**
 * What a process that serves listeners needs to know, as plain data (it crosses to the listener
 * workers over IPC): the listeners with their rules, the target groups with their registered and
 * draining targets, and which targets may take new requests.
 */
export interface ServingView {
  readonly listeners: readonly LiveListener[];
  readonly groups: readonly LiveGroup[];
  /**
   * The targets that may take new requests (healthy, or registered in a group without health
   * checks), by `<group arn> <target key>`, with when each last became healthy (slow start).
   */
  readonly eligible: readonly (readonly [string, number])[];
}

/** A view's in-flight counts, by `<group arn> <target key>`, summed over every serving process. */
export type InFlightCounts = ReadonlyMap<string, number>;

/** The key of a target of a group in a view's `eligible` and in in-flight counts. */
export const groupTargetKey = (groupArn: string, targetKey: string): string => `${groupArn} ${targetKey}`;

/**
 * Where listeners are served: in the control plane's own process, or in listener workers. The
 * data plane decides (health, draining) and hands every decision over as a whole view.
 */
export interface Serving {
  /**
   * Applies the view everywhere it is served; resolves, once every serving process has applied it,
   * with the in-flight counts of `counted` taken right after (a process that did not answer in
   * time counts as Infinity). A target marked draining in the view gets no new request from a
   * process that has applied it, so a count of 0 then stays 0.
   */
  apply(view: ServingView, counted: readonly string[]): Promise<InFlightCounts>;
  /** The traffic counted since the last call, in every serving process (a worker's reaches the control plane within a second). */
  drainTraffic(): TrafficEntries;
  close(): Promise<void>;
}
