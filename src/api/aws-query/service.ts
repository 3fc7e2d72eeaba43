import type { ErrorCatalog } from "../../errors/catalog.js";
import type { RequestContext } from "../aws-json/service.js";

/** One Query-protocol operation: a thin handler from decoded parameters to the result's members. */
export interface QueryOperation {
  readonly handle: (params: Readonly<Record<string, unknown>>, ctx: RequestContext) => Promise<Record<string, unknown>>;
}

/**
 * An AWS Query-protocol service (STS, IAM, ELBv2, CloudWatch for older clients): requests carry no
 * target header, so the service is the one the SigV4 credential scope names.
 */
export interface QueryService {
  /** SigV4 signing name, e.g. `sts`, `iam`, `elasticloadbalancing`, `monitoring`. */
  readonly signingName: string;
  /** The API version every request must name, e.g. `2011-06-15`. */
  readonly version: string;
  /** The namespace of response documents, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  readonly xmlNamespace: string;
  readonly operations: Readonly<Record<string, QueryOperation>>;
  /** The exceptions its handlers raise, with their statuses (the shared core is added by the front door). */
  readonly errors: ErrorCatalog;
}
