import type { ApiHandler, FrontDoors } from "../api/front-doors.js";
import type { HttpRequest } from "../api/http-types.js";
import type { ServerMetrics } from "./prometheus.js";

const outcome = (status: number): string => (status < 400 ? "ok" : status < 500 ? "client_error" : "server_error");

/**
 * The front doors, each request timed into `berth_api_request_duration_seconds`. The operation is
 * read from the request only for answered (2xx) calls, which the door authenticated and routed to
 * a real operation: a refused request's text never becomes a label (labels stay bounded).
 */
export function timedDoors(doors: FrontDoors, metrics: Pick<ServerMetrics, "apiLatency">): FrontDoors {
  const timed = (protocol: string, door: ApiHandler, operationOf: (req: HttpRequest) => string | undefined): ApiHandler =>
    async (req) => {
      const end = metrics.apiLatency.startTimer();
      const res = await door(req);
      end({ protocol, operation: res.status < 300 ? (operationOf(req) ?? "-") : "-", outcome: outcome(res.status) });
      return res;
    };
  return {
    awsJson: timed("json", doors.awsJson, (req) => headerOf(req, "x-amz-target")),
    awsQuery: timed("query", doors.awsQuery, (req) => new URLSearchParams(Buffer.from(req.body).toString("utf8")).get("Action") ?? undefined),
    rpcV2Cbor: timed("rpc-v2-cbor", doors.rpcV2Cbor, (req) => /\/service\/([^/]+\/operation\/[^/]+)$/.exec(req.path)?.[1]),
    // A route's first segment (`POST /schedules`): the model's resources, never a resource's name.
    ...(doors.restJson && {
      restJson: { signingNames: doors.restJson.signingNames, handle: timed("rest-json", doors.restJson.handle, (req) => `${req.method} /${req.path.split("/")[1] ?? ""}`) },
    }),
  };
}

function headerOf(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
