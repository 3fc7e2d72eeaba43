import type { RequestContext } from "../aws-json/service.js";
import type { Params } from "./read.js";

/**
 * One CloudWatch operation, served by all three of its front doors (Query for the AWS CLI 2.9,
 * AWS JSON 1.0 for current SDKs, RPC v2 CBOR for the SDKs between): the handler reads its input
 * with `read.ts`, whichever encoding it came in, and answers plain values (Dates for timestamps),
 * which each front door writes in its own form.
 */
export interface CloudWatchOperation {
  readonly name: string;
  readonly handle: (input: Params, ctx: RequestContext) => Promise<Record<string, unknown>>;
  /** The answer written straight as AWS JSON, for answers too large for plain values (GetMetricData). */
  readonly handleJson?: (input: Params, ctx: RequestContext) => Promise<string>;
  /** The same, written straight as RPC v2 CBOR. */
  readonly handleCbor?: (input: Params, ctx: RequestContext) => Promise<Uint8Array>;
}
