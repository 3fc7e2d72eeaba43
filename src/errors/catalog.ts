import { boundMessage } from "../observability/excerpt.js";

/**
 * Errors as Berth returns them to clients: the shared core. Each AWS service has its own catalog
 * next to its operation table (`api/ecs/errors.ts`, `api/ecr/errors.ts`, `api/sts/errors.ts`), the
 * exception names its AWS model declares with their HTTP statuses; this file holds what every
 * service shares: the `AwsError` type and the front door's own errors (protocol, signature, IAM).
 * A front door resolves an error's status in its service's catalog, then here (`statusOf`).
 */

/** Exception name → HTTP status, as a service's AWS model declares them. */
export type ErrorCatalog = Readonly<Record<string, number>>;

/**
 * What any AWS JSON or Query front door answers before (or besides) a service's own rules: a body
 * it cannot read, an operation it does not know, a signature it refuses, an IAM refusal.
 * Authentication errors are 403, as AWS sends them.
 */
export const frontDoorErrors = {
  // AWS JSON 1.1 and RPC v2 CBOR
  SerializationException: 400,
  UnknownOperationException: 400,
  ValidationException: 400,
  // SigV4 (the Query front door renames them: aws-query/dispatcher.ts)
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  // An STS session's credentials past their expiry (AssumeRole), in every service
  ExpiredTokenException: 400,
  // IAM's refusal, in every service
  AccessDeniedException: 403,
  // Query protocol (STS, IAM, ELBv2, CloudWatch for older clients)
  MissingAction: 400,
  InvalidAction: 400,
  MalformedQueryString: 400,
} as const satisfies ErrorCatalog;

export type FrontDoorErrorName = keyof typeof frontDoorErrors;

/**
 * The exception names of every service's catalog, merged in by each catalog's module
 * (`declare module "…/errors/catalog.js"` in `api/<service>/errors.ts`), so that an `AwsError`
 * names an exception some catalog declares, checked at compile time. Which service may raise which
 * name is checked by `api/error-catalogs.test.ts` and at run time by the front doors.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ServiceErrorNames {}

export type ErrorName = FrontDoorErrorName | keyof ServiceErrorNames;

/** The status of `code` in `catalog` or the shared core; undefined for a name neither declares (a bug in Berth). */
export function statusOf(code: string, catalog: ErrorCatalog = {}): number | undefined {
  if (Object.hasOwn(catalog, code)) return catalog[code];
  return Object.hasOwn(frontDoorErrors, code) ? frontDoorErrors[code as FrontDoorErrorName] : undefined;
}

/**
 * An error a client sees as `{"__type": code, "message": message}` (or its protocol's form). The
 * code is an exception name of the answering service's catalog or of the shared core; its status
 * comes from there. Messages quote what the client sent through `excerpt`; the message as a whole
 * is cut at 1,024 characters all the same.
 */
export class AwsError extends Error {
  override readonly name = "AwsError";
  constructor(
    readonly code: ErrorName,
    message: string,
    /** Extra members some exceptions carry (e.g. ConflictException's resourceIds). */
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(boundMessage(message));
  }
}

/**
 * The exceptions domain rules (`src/domain`) raise: names of ECS's model, declared in ECS's
 * catalog (`api/ecs/errors.ts` checks it at compile time), without domain importing `api/`.
 */
export const domainErrorNames = ["ClientException", "InvalidParameterException", "PlatformUnknownException"] as const;
export type DomainErrorName = (typeof domainErrorNames)[number];

export const clientException = (message: string): AwsError => new AwsError("ClientException", message);
export const invalidParameter = (message: string): AwsError => new AwsError("InvalidParameterException", message);
