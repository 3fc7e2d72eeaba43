import { randomUUID } from "node:crypto";
import { authorize } from "../../auth/authorize.js";
import { requestFacts } from "../../auth/request-context.js";
import { passedRolesOf, resourcesOf } from "../../auth/resources.js";
import { signingServiceOf } from "../../auth/sigv4.js";
import { AwsError, statusOf } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { serialize } from "../aws-json/dispatcher.js";
import { validateShape } from "../aws-json/validate-shape.js";
import type { FrontDoorDeps } from "../front-door-deps.js";
import type { HttpRequest, HttpResponse } from "../http-types.js";
import { inputOf, matchRoute, routeOf, type Route } from "./routes.js";
import type { RestJsonService } from "./service.js";

export interface RestJsonDispatcherOptions extends FrontDoorDeps {
  readonly services: readonly RestJsonService[];
}

/** Whether a request is for a REST-JSON service: its SigV4 credential scope names one. */
export const isRestJson = (signingNames: ReadonlySet<string>, req: Pick<HttpRequest, "headers">): boolean => signingNames.has(signingServiceOf(req) ?? "");

/**
 * The front door for AWS REST-JSON services (EventBridge Scheduler): the service is the one the SigV4
 * credential scope names, the operation the one whose HTTP route (method and path, from the SDK's
 * model) matches; its input is bound from path labels, query parameters and the JSON body, then
 * checked against the model's shape. Errors carry their name in `x-amzn-errortype` and the body's
 * `Message`, as REST-JSON clients read them. Authorization as on every front door.
 */
export function createRestJsonDispatcher(opts: RestJsonDispatcherOptions): { readonly signingNames: ReadonlySet<string>; readonly handle: (req: HttpRequest) => Promise<HttpResponse> } {
  const services = new Map(opts.services.map((s) => [s.signingName, { service: s, routes: Object.values(s.operations).map((o) => [routeOf(o.schema), o] as const) }]));
  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    const requestId = randomUUID();
    const entry = services.get(signingServiceOf(req) ?? "");
    let authenticated = false;
    let opName = "";
    try {
      if (!entry) throw new AwsError("UnknownOperationException", "No REST-JSON service is named by the request's credential scope.");
      const { service } = entry;
      const nowMs = opts.now();
      const { principal } = (await opts.authenticator.authenticate(req, service.signingName, nowMs)).key;
      authenticated = true;
      const matched = matchRoute(entry.routes.map(([r]) => r), req.method, req.path);
      if (!matched) throw new AwsError("UnknownOperationException", `${excerpt(req.method)} ${excerpt(req.path)} is not an operation Berth supports for ${service.signingName}.`);
      const route: Route = matched.route;
      opName = route.name;
      const op = entry.routes.find(([r]) => r === route)?.[1];
      if (!op) throw new AwsError("UnknownOperationException", `${route.name} is not offered.`);
      const input = validateShape(route.input, inputOf(route, matched.labels, req), service.missingMemberError);
      for (const resource of resourcesOf(service.signingName, opName, input, opts.partition)) {
        authorize(principal, { action: `${service.signingName}:${opName}`, resource }, requestFacts(req, opts.partition.region, nowMs), opts.partition.accountId);
      }
      for (const role of passedRolesOf(service.signingName, opName, input)) {
        authorize(principal, { action: "iam:PassRole", resource: role }, requestFacts(req, opts.partition.region, nowMs), opts.partition.accountId);
      }
      const output = await op.handle(input, { requestId, principal, nowMs, partition: opts.partition });
      return respond(route.status, requestId, serialize(output));
    } catch (e) {
      const status = e instanceof AwsError ? statusOf(e.code, entry?.service.errors) : undefined;
      if (e instanceof AwsError && status !== undefined) {
        opts.refusals.count(e.code, { requestId, status, ...(authenticated ? { op: opName } : {}), error: excerpt(e.message, 200) }, authenticated ? "client error" : "unauthenticated request refused");
        return respond(status, requestId, JSON.stringify({ Message: e.message, ...e.fields }), e.code);
      }
      opts.logger.error({ requestId, op: opName, err: e }, e instanceof AwsError ? "error not in the service's catalog" : "internal error");
      return respond(500, requestId, JSON.stringify({ Message: `Internal error (request ${requestId}).` }), "InternalServerException");
    }
  };
  return { signingNames: new Set(services.keys()), handle };
}

function respond(status: number, requestId: string, body: string, errorType?: string): HttpResponse {
  const headers: Record<string, string> = { "content-type": "application/json", "x-amzn-requestid": requestId };
  if (errorType) headers["x-amzn-errortype"] = errorType;
  return { status, headers, body };
}
