import { randomUUID } from "node:crypto";
import { authorize } from "../../auth/authorize.js";
import { requestFacts } from "../../auth/request-context.js";
import { excerpt } from "../../observability/excerpt.js";
import { AwsError, statusOf } from "../../errors/catalog.js";
import type { FrontDoorDeps } from "../front-door-deps.js";
import type { HttpRequest, HttpResponse } from "../http-types.js";
import { signingServiceOf } from "../../auth/sigv4.js";
import { decodeQueryForm } from "./form.js";
import type { QueryService } from "./service.js";
import { errorXml, resultXml } from "./xml.js";

export interface QueryDispatcherOptions extends FrontDoorDeps {
  readonly services: readonly QueryService[];
}

/**
 * The front door for AWS Query-protocol services: `POST /` with a form body
 * (`Action=…&Version=…`), routed to the service that the SigV4 credential scope names, answered in
 * XML. Errors are `<ErrorResponse>` documents with the Query protocol's own codes.
 */
export function createQueryDispatcher(opts: QueryDispatcherOptions): (req: HttpRequest) => Promise<HttpResponse> {
  const bySigningName = new Map(opts.services.map((s) => [s.signingName, s]));

  return async (req) => {
    const requestId = randomUUID();
    const signingName = signingServiceOf(req);
    const service = bySigningName.get(signingName ?? "");
    let action = "";
    try {
      const nowMs = opts.now();
      // Unsigned or signed for a service Berth does not serve: the signature check says which.
      const { principal } = (await opts.authenticator.authenticate(req, signingName ?? "sts", nowMs)).key;
      if (!service) throw new AwsError("InvalidAction", `Berth serves no Query-protocol API for signing name '${excerpt(signingName ?? "")}'.`);
      const query = decodeQueryForm(req.body);
      action = query.action;
      if (!action) throw new AwsError("MissingAction", "The request must contain the parameter Action.");
      const op = Object.hasOwn(service.operations, action) ? service.operations[action] : undefined;
      if (!op) throw new AwsError("InvalidAction", `Could not find operation ${excerpt(action)} for version ${excerpt(query.version)}.`);
      if (query.version !== service.version) {
        throw new AwsError("InvalidAction", `Could not find operation ${action} for version ${excerpt(query.version)}: this API's version is ${service.version}.`);
      }
      const facts = requestFacts(req, opts.partition.region, nowMs);
      if (op.authorization !== "itself") {
        const resource = op.resource?.(query.params, opts.partition) ?? "*";
        authorize(principal, { action: `${service.actionPrefix ?? service.signingName}:${action}`, resource }, facts, opts.partition.accountId);
      }
      const result = await op.handle(query.params, { requestId, principal, nowMs, partition: opts.partition, facts });
      return respond(200, (service.wire?.result ?? resultXml)(action, service.xmlNamespace, result, requestId), requestId);
    } catch (e) {
      const status = e instanceof AwsError ? statusOf(e.code, service?.errors) : undefined;
      if (e instanceof AwsError && status !== undefined) {
        const code = (Object.hasOwn(queryCodes, e.code) ? queryCodes[e.code] : undefined) ?? e.code;
        opts.refusals.count(code, { requestId, action: excerpt(action), error: excerpt(e.message, 200) }, "Query request refused");
        return respond(status, service?.wire ? service.wire.error(code, e.message, requestId) : errorXml(service?.xmlNamespace, code, e.message, requestId, "Sender"), requestId);
      }
      opts.logger.error({ requestId, action: excerpt(action), err: e }, e instanceof AwsError ? "error not in the service's catalog" : "internal error");
      return respond(500, errorXml(service?.xmlNamespace, "InternalFailure", `Internal error (request ${requestId}).`, requestId, "Receiver"), requestId);
    }
  };
}

/**
 * The Query protocol names the front door's errors differently from AWS JSON
 * (IAM, STS and ELBv2 answer `SignatureDoesNotMatch` where ECS answers `InvalidSignatureException`).
 */
const queryCodes: Readonly<Record<string, string>> = {
  MissingAuthenticationTokenException: "MissingAuthenticationToken",
  IncompleteSignatureException: "IncompleteSignature",
  InvalidSignatureException: "SignatureDoesNotMatch",
  UnrecognizedClientException: "InvalidClientTokenId",
  ExpiredTokenException: "ExpiredToken",
  AccessDeniedException: "AccessDenied",
  ValidationException: "ValidationError",
};



const respond = (status: number, body: string, requestId: string): HttpResponse => ({
  status,
  headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  body,
});
