import type { StaticStructureSchema } from "@smithy/types";
import type { AccessRequest } from "../../auth/authorize.js";
import type { Principal } from "../../auth/principal.js";
import type { Partition } from "../../domain/arn.js";
import { AwsError, type ErrorCatalog, type ErrorName } from "../../errors/catalog.js";

/** What a handler knows of the request besides its input. */
export interface RequestContext {
  readonly requestId: string;
  /** Who signed the request (verified), already authorized for this operation on its resource. */
  readonly principal: Principal;
  readonly nowMs: number;
  readonly partition: Partition;
  /**
   * IAM's refusal of a further request the call makes on the caller's behalf, in IAM's words, or
   * undefined when it is allowed: for a call whose resources are only known as it runs
   * (BatchGetSecretValue's GetSecretValue on each secret it reads). Set by the JSON front door.
   */
  readonly refusalOf?: (request: AccessRequest) => Promise<string | undefined>;
}

/** One operation: its input shape (from the AWS SDK's schema) and a thin handler. */
export interface Operation {
  readonly input: StaticStructureSchema;
  readonly handle: (input: Record<string, unknown>, ctx: RequestContext) => Promise<object>;
  /** When set, answers instead of `handle` with the JSON text itself (answers too large to build as plain values first). */
  readonly handleJson?: ((input: Record<string, unknown>, ctx: RequestContext) => Promise<string>) | undefined;
  /** Set when Berth answers the operation with this error only (`refusedOperation`). */
  readonly refusal?: Refusal;
}

/**
 * Why Berth answers an operation of the AWS model with an error: `not-yet` for what Berth means to
 * offer, `refused` for what means nothing on machines you own. `code` is an exception the model
 * declares for the operation; docs/compatibility.md lists every refusal with its reason.
 */
export interface Refusal {
  readonly kind: "not-yet" | "refused";
  readonly code: ErrorName;
  readonly reason: string;
}

/**
 * An operation of the AWS model that Berth does not offer: its input is still checked against the
 * model's shape (a malformed request is told so first), then it is refused with `refusal.code` and
 * a message that names the operation, says that Berth does not offer it, and why.
 */
export function refusedOperation(name: string, input: StaticStructureSchema, refusal: Refusal): Operation {
  const message = `${name} is not offered by Berth${refusal.kind === "not-yet" ? " yet" : ""}: ${refusal.reason} (see docs/compatibility.md).`;
  return { input, refusal, handle: () => Promise.reject(new AwsError(refusal.code, message)) };
}

/**
 * Declares an operation whose handler receives the SDK's input type. The dispatcher calls it only
 * with a value that `validateShape` has checked against `input`, the schema that type is generated from.
 */
export function operation<I extends object>(
  input: StaticStructureSchema,
  handle: (input: I, ctx: RequestContext) => Promise<object>,
): Operation {
  return { input, handle: (value, ctx) => handle(value as I, ctx) };
}

/** An AWS JSON 1.1 service: its X-Amz-Target prefix, SigV4 signing name, operation table and error catalog. */
export interface JsonService {
  readonly targetPrefix: string;
  readonly signingName: string;
  /** IAM's prefix of the service's actions when it is not the signing name (CloudWatch: `cloudwatch`, signed as `monitoring`). */
  readonly actionPrefix?: string;
  readonly operations: Readonly<Record<string, Operation>>;
  /** The exceptions its handlers raise, with their statuses (the shared core is added by the front door). */
  readonly errors: ErrorCatalog;
  /** The exception for a missing required member, when the service's is not InvalidParameterException (EventBridge: ValidationException). */
  readonly missingMemberError?: ErrorName;
  /**
   * The resources a call acts on, when its input alone does not name them (`auth/resources.ts`
   * does for the others): a secret named by its name or a partial ARN is authorized on its full
   * ARN, whose random suffix only the store knows. May throw the call's validation errors, which
   * come before authorization.
   */
  readonly resourcesOf?: (operation: string, input: Readonly<Record<string, unknown>>, partition: Partition, nowMs: number) => Promise<readonly string[]>;
}
