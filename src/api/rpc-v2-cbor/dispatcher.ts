import { randomUUID } from "node:crypto";
import { cbor } from "@smithy/core/cbor";
import { authorize } from "../../auth/authorize.js";
import { requestFacts } from "../../auth/request-context.js";
import { excerpt } from "../../observability/excerpt.js";
import { AwsError, statusOf } from "../../errors/catalog.js";
import type { FrontDoorDeps } from "../front-door-deps.js";
import type { HttpRequest, HttpResponse } from "../http-types.js";
import type { CborService } from "./service.js";

export interface CborDispatcherOptions extends FrontDoorDeps {
  readonly services: readonly CborService[];
}

/** `[prefix]/service/[namespace.]<Service>/operation/<Operation>`, as the Smithy RPC v2 spec routes. */
const route = /\/service\/(?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]*)\/operation\/([A-Za-z_][A-Za-z0-9_]*)$/;

/** Whether a request is for this front door: the path shape and the `smithy-protocol` header. */
export const isRpcV2Cbor = (req: { readonly path: string; readonly headers: HttpRequest["headers"] }): boolean =>
  req.path.includes("/service/") && req.headers["smithy-protocol"] !== undefined;

/**
 * The front door for Smithy RPC v2 CBOR services (CloudWatch for current SDKs): routes on the
 * path, verifies SigV4, decodes and encodes CBOR. Errors are CBOR maps with `__type` and
 * `message`; every response carries `smithy-protocol: rpc-v2-cbor`. An unknown service or
 * operation is a 404, as Smithy's own servers answer.
 */
export function createCborDispatcher(opts: CborDispatcherOptions): (req: HttpRequest) => Promise<HttpResponse> {
  const byName = new Map(opts.services.map((s) => [s.name, s]));

  return async (req) => {
    const requestId = randomUUID();
    const m = route.exec(req.path);
    const service = m ? byName.get(m[1]!) : undefined;
    const op = service && Object.hasOwn(service.operations, m![2]!) ? service.operations[m![2]!] : undefined;
    if (req.method !== "POST" || header(req, "smithy-protocol") !== "rpc-v2-cbor" || req.headers["x-amz-target"] !== undefined) {
      return respond(400, requestId, errorBody("SerializationException", "RPC v2 CBOR requests are POSTs with `smithy-protocol: rpc-v2-cbor` and no X-Amz-Target."));
    }
    if (!service || !op) {
      opts.refusals.count("UnknownOperationException", { requestId }, "RPC v2 CBOR request refused");
      const what = m ? `${excerpt(m[1])}.${excerpt(m[2])}` : excerpt(req.path);
      return respond(404, requestId, errorBody("UnknownOperationException", `${what} is not an operation Berth serves over RPC v2 CBOR.`));
    }
    try {
      const nowMs = opts.now();
      const { principal } = (await opts.authenticator.authenticate(req, service.signingName, nowMs)).key;
      authorize(principal, { action: `${service.actionPrefix ?? service.signingName}:${m![2]!}`, resource: "*" }, requestFacts(req, opts.partition.region, nowMs), opts.partition.accountId);
      const input = decode(req.body);
      const ctx = { requestId, principal, nowMs, partition: opts.partition };
      return respond(200, requestId, op.handleCbor ? await op.handleCbor(input, ctx) : cbor.serialize(await op.handle(input, ctx)));
    } catch (e) {
      const status = e instanceof AwsError ? statusOf(e.code, service.errors) : undefined;
      if (e instanceof AwsError && status !== undefined) {
        opts.refusals.count(e.code, { requestId, error: excerpt(e.message, 200) }, "RPC v2 CBOR request refused");
        return respond(status, requestId, cbor.serialize({ ...e.fields, ...error(e.code, e.message) }));
      }
      opts.logger.error({ requestId, err: e }, e instanceof AwsError ? "error not in the service's catalog" : "internal error");
      return respond(500, requestId, errorBody("InternalFailure", `Internal error (request ${requestId}).`));
    }
  };
}

function decode(body: Uint8Array): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = cbor.deserialize(body);
  } catch (e) {
    throw new AwsError("SerializationException", `The request body is not valid CBOR: ${excerpt(e instanceof Error ? e.message : String(e))}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new AwsError("SerializationException", "The request body must be a CBOR map.");
  return value as Record<string, unknown>;
}

const error = (type: string, message: string): Record<string, unknown> => ({ __type: type, message });
const errorBody = (type: string, message: string): Uint8Array => cbor.serialize(error(type, message));

const respond = (status: number, requestId: string, body: Uint8Array): HttpResponse => ({
  status,
  headers: { "content-type": "application/cbor", "smithy-protocol": "rpc-v2-cbor", "x-amzn-requestid": requestId },
  body,
});

const header = (req: HttpRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

