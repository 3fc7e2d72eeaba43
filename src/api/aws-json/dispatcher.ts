import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import type { Authenticator } from "../../auth/authenticator.js";
import { authorize } from "../../auth/authorize.js";
import { resourceOf } from "../../auth/resources.js";
import type { HttpRequest, HttpResponse } from "../http-types.js";
import type { JsonService } from "./service.js";
import { validateShape } from "./validate-shape.js";

export interface JsonDispatcherOptions {
  readonly services: readonly JsonService[];
  /** Resolves a signed request to its principal. */
  readonly authenticator: Authenticator;
  readonly partition: Partition;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * The front door for every AWS JSON 1.1 service: routes on `X-Amz-Target`, verifies the SigV4
 * signature, parses and checks the input against the operation's shape, authorizes the principal
 * for the operation on the resource it names, runs the handler and
 * writes the result, or the error in AWS's form. No handler repeats any of this.
 */
export function createJsonDispatcher(opts: JsonDispatcherOptions): (req: HttpRequest) => Promise<HttpResponse> {
  const byPrefix = new Map(opts.services.map((s) => [s.targetPrefix, s]));

  return async (req) => {
    const requestId = randomUUID();
    const target = header(req, "x-amz-target") ?? "";
    const dot = target.lastIndexOf(".");
    const service = byPrefix.get(target.slice(0, dot));
    const opName = target.slice(dot + 1);
    const log = opts.logger.child({ requestId, target });
    try {
      if (!service) throw new AwsError("UnknownOperationException", `Unknown X-Amz-Target '${target}'.`);
      const nowMs = opts.now();
      const { principal } = (await opts.authenticator.authenticate(req, service.signingName, nowMs)).key;
      const op = Object.hasOwn(service.operations, opName) ? service.operations[opName] : undefined;
      if (!op) throw new AwsError("UnknownOperationException", `${opName} is not an operation Berth supports for ${service.targetPrefix}.`);
      const input = validateShape(op.input, parseBody(req.body));
      authorize(principal, { action: `${service.signingName}:${opName}`, resource: resourceOf(service.signingName, opName, input, opts.partition) });
      const output = await op.handle(input, { requestId, principal, nowMs, partition: opts.partition });
      log.debug({ op: opName }, "ok");
      return respond(200, requestId, serialize(output));
    } catch (e) {
      if (e instanceof AwsError) {
        log.info({ op: opName, error: e.code, status: e.status }, e.message);
        return respond(e.status, requestId, JSON.stringify({ __type: e.code, message: e.message, ...e.fields }), e.code);
      }
      log.error({ op: opName, err: e }, "internal error");
      return respond(500, requestId, JSON.stringify({ __type: "ServerException", message: `Internal error (request ${requestId}).` }), "ServerException");
    }
  };
}

function parseBody(body: Uint8Array): unknown {
  const text = Buffer.from(body).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AwsError("SerializationException", `The request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** JSON as AWS writes it: timestamps as epoch seconds, absent members omitted. */
export function serialize(output: object): string {
  return JSON.stringify(output, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
}

function respond(status: number, requestId: string, body: string, errorType?: string): HttpResponse {
  const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId };
  if (errorType) headers["x-amzn-errortype"] = errorType;
  return { status, headers, body };
}

const header = (req: HttpRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
