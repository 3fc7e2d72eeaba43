import type { ErrorCatalog } from "../../errors/catalog.js";
import type { RequestContext } from "../aws-json/service.js";

/** One RPC v2 CBOR operation: a thin handler from the decoded input map to the output map. */
export interface CborOperation {
  readonly handle: (input: Readonly<Record<string, unknown>>, ctx: RequestContext) => Promise<object>;
  /** When set, answers instead of `handle` with the CBOR bytes themselves (answers too large to build as plain values first). */
  readonly handleCbor?: ((input: Readonly<Record<string, unknown>>, ctx: RequestContext) => Promise<Uint8Array>) | undefined;
}

/** A Smithy RPC v2 CBOR service, routed by its shape name (e.g. `GraniteServiceVersion20100801`, CloudWatch). */
export interface CborService {
  readonly name: string;
  /** SigV4 signing name, e.g. `monitoring`. */
  readonly signingName: string;
  /** IAM's prefix of the service's actions when it is not the signing name (CloudWatch: `cloudwatch`, signed as `monitoring`). */
  readonly actionPrefix?: string;
  readonly operations: Readonly<Record<string, CborOperation>>;
  /** The exceptions its handlers raise, with their statuses (the shared core is added by the front door). */
  readonly errors: ErrorCatalog;
}
