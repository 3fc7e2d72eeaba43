import type { Logger } from "pino";
import type { Authenticator } from "../auth/authenticator.js";
import type { Partition } from "../domain/arn.js";
import type { ResourcePolicy } from "../auth/policy/resource-policy.js";
import type { RefusalLog } from "../observability/refusal-log.js";

/** What every front door (AWS JSON, AWS Query, Smithy RPC v2 CBOR) is given besides its services. */
export interface FrontDoorDeps {
  /** Resolves a signed request to its principal. */
  readonly authenticator: Authenticator;
  readonly partition: Partition;
  readonly now: () => number;
  readonly logger: Logger;
  /** Where refused requests are counted: one summary line per interval instead of a line each. */
  readonly refusals: RefusalLog;
  /** The policy of the resource an operation names (an ECR repository's), evaluated with the caller's own. */
  readonly resourcePolicy?: ((resource: string) => Promise<ResourcePolicy | undefined>) | undefined;
}
