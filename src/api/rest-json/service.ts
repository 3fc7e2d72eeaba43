import type { StaticOperationSchema } from "@smithy/types";
import type { ErrorCatalog, ErrorName } from "../../errors/catalog.js";
import type { RequestContext } from "../aws-json/service.js";

/** One REST-JSON operation: the SDK's operation schema (its HTTP route and input shape) and a thin handler. */
export interface RestOperation {
  readonly schema: StaticOperationSchema;
  readonly handle: (input: Record<string, unknown>, ctx: RequestContext) => Promise<object>;
}

/** Declares an operation whose handler receives the SDK's input type, checked against the schema by the front door. */
export function restOperation<I extends object>(schema: StaticOperationSchema, handle: (input: I, ctx: RequestContext) => Promise<object>): RestOperation {
  return { schema, handle: (value, ctx) => handle(value as I, ctx) };
}

/** A REST-JSON service: chosen by its SigV4 signing name, routed by method and path from its model. */
export interface RestJsonService {
  readonly signingName: string;
  readonly operations: Readonly<Record<string, RestOperation>>;
  readonly errors: ErrorCatalog;
  /** The exception for a missing required member or a malformed value (Scheduler: ValidationException). */
  readonly missingMemberError: ErrorName;
}
