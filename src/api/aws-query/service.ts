import type { ErrorCatalog } from "../../errors/catalog.js";
import type { RequestFacts } from "../../auth/request-context.js";
import type { Partition } from "../../domain/arn.js";
import type { RequestContext } from "../aws-json/service.js";

/** One Query-protocol operation: a thin handler from decoded parameters to the result's members. */
export interface QueryOperation {
  readonly handle: (params: Readonly<Record<string, unknown>>, ctx: QueryContext) => Promise<Record<string, unknown>>;
  /** The resource IAM names for the call (a user's, role's or policy's ARN); `*` when absent. */
  readonly resource?: (params: Readonly<Record<string, unknown>>, p: Partition) => string;
  /**
   * `itself`: the handler makes the authorization decision (STS AssumeRole, where the role's trust
   * policy may allow what the caller's own policies do not); the dispatcher makes none.
   */
  readonly authorization?: "itself";
}

/** A Query handler's context: the JSON one's, and the request's facts for decisions of its own. */
export interface QueryContext extends RequestContext {
  readonly facts: RequestFacts;
}

/**
 * An AWS Query-protocol service (STS, IAM, ELBv2, CloudWatch for older clients): requests carry no
 * target header, so the service is the one the SigV4 credential scope names.
 */
export interface QueryService {
  /** SigV4 signing name, e.g. `sts`, `iam`, `elasticloadbalancing`, `monitoring`. */
  readonly signingName: string;
  /** IAM's prefix of the service's actions when it is not the signing name (CloudWatch: `cloudwatch`, signed as `monitoring`). */
  readonly actionPrefix?: string;
  /** The API version every request must name, e.g. `2011-06-15`. */
  readonly version: string;
  /** The namespace of response documents, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  readonly xmlNamespace: string;
  readonly operations: Readonly<Record<string, QueryOperation>>;
  /** The exceptions its handlers raise, with their statuses (the shared core is added by the front door). */
  readonly errors: ErrorCatalog;
  /** Its own documents, when it writes the protocol its own way (EC2: no Result wrapper, `<item>` lists, `<Response><Errors>`). */
  readonly wire?: QueryWire;
}

export interface QueryWire {
  result(action: string, xmlNamespace: string, result: Record<string, unknown>, requestId: string): string;
  error(code: string, message: string, requestId: string): string;
}
