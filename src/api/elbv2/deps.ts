import type { TargetHealth } from "../../domain/load-balancing/health.js";
import type { Store } from "../../state/store.js";

/** What the ELBv2 handlers need besides the store: the data plane's view and a way to wake it. */
export interface Elbv2Deps {
  readonly store: Store;
  readonly dataPlane: DataPlaneView;
  readonly newId: () => string;
}

export interface DataPlaneView {
  /** The health-check state of a target group's targets, by `id:port`. */
  health(targetGroupArn: string): ReadonlyMap<string, TargetHealth>;
  /** Whether a listener could be opened on this port (nothing else holds it). */
  portAvailable(port: number): Promise<boolean>;
  /** Call after every committed change to ELB state: the data plane applies it. */
  changed(): void;
}
