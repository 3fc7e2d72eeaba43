import type { TrackingAlarmShape } from "../../domain/autoscaling/target-tracking.js";
import type { Store } from "../../state/store.js";

export interface ApplicationAutoScalingDeps {
  readonly store: Store;
  /** How target tracking's alarms watch their metric (AWS's: 3 and 15 one-minute periods; tests shorten them). */
  readonly trackingAlarms: TrackingAlarmShape;
  /** 32 hex digits, for ARNs and activity ids. */
  readonly newId: () => string;
}
