import type { QueryTarget } from "./query/evaluate.js";
import type { FailureReason } from "./reasons.js";
import type { InstanceStatus } from "./types.js";

/**
 * One instance as the checks see it during a placement: its snapshot facts plus what earlier picks
 * of the same request have taken. The fast path implements it as a cursor over columnar arrays
 * (no allocation per instance); the reference path as a plain object per instance.
 */
export interface InstanceView extends QueryTarget {
  readonly id: string;
  readonly arn: string;
  readonly status: InstanceStatus;
  readonly remainingCpu: number;
  readonly remainingMemory: number;
  readonly freeGpuCount: number;
  tcpPortUsed(port: number): boolean;
  udpPortUsed(port: number): boolean;
}

/**
 * One filter stage: an instance either passes, or is rejected with `reason`. Checks are built once
 * per request (the request's numbers and parsed expressions are captured), then run per instance.
 */
export interface Check {
  readonly reason: FailureReason;
  /** The memberOf expression this check tests, for explanations. */
  readonly constraint?: string;
  passes(view: InstanceView): boolean;
  /** Why `view` failed, in numbers, e.g. "needs 512 MiB memory, 256 MiB remaining". */
  detail(view: InstanceView): string;
}
