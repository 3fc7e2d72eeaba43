import { Listeners, type ListenersOptions } from "./listeners.js";
import type { InFlightCounts, Serving, ServingView } from "./serving-view.js";
import type { TrafficEntries } from "./traffic.js";

/** Listeners served on the control plane's own event loop (`--lb-workers 0`). */
export class LocalServing implements Serving {
  private readonly listeners: Listeners;

  constructor(opts: ListenersOptions) {
    this.listeners = new Listeners(opts);
  }

  apply(view: ServingView, counted: readonly string[]): Promise<InFlightCounts> {
    this.listeners.apply(view);
    // Counted in the same turn as the view applied: nothing new can have reached a draining target.
    return Promise.resolve(new Map(counted.map((k) => [k, this.listeners.inFlight(k)])));
  }

  drainTraffic(): TrafficEntries {
    return this.listeners.traffic.drain();
  }

  close(): Promise<void> {
    return this.listeners.close();
  }
}
