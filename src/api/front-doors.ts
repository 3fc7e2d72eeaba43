import type { HttpRequest, HttpResponse } from "./http-types.js";
import { isRestJson } from "./rest-json/dispatcher.js";
import { isRpcV2Cbor } from "./rpc-v2-cbor/dispatcher.js";

export type ApiHandler = (req: HttpRequest) => Promise<HttpResponse>;

/** What a front door is chosen by: the request line and headers, before the body is read. */
export type RequestHead = Pick<HttpRequest, "method" | "path" | "headers">;

export interface FrontDoors {
  /** AWS JSON 1.0/1.1: `POST /` with `X-Amz-Target` (ECS, ECR, and later Logs, Auto Scaling, EventBridge). */
  readonly awsJson: ApiHandler;
  /** AWS Query: `POST /` with a form body (STS, IAM, ELBv2, CloudWatch for the AWS CLI 2.9). */
  readonly awsQuery: ApiHandler;
  /** Smithy RPC v2 CBOR: `POST …/service/<S>/operation/<Op>` (CloudWatch for the SDK releases of 2025; the pinned one speaks JSON 1.0). */
  readonly rpcV2Cbor: ApiHandler;
  /** AWS REST-JSON: any method and path, the service named by the SigV4 credential scope (EventBridge Scheduler). */
  readonly restJson?: { readonly signingNames: ReadonlySet<string>; readonly handle: ApiHandler };
}

/** Chooses the front door for a request the way AWS SDKs address them, or undefined when none fits. */
export function chooseFrontDoor(doors: FrontDoors, req: RequestHead): ApiHandler | undefined {
  if (isRpcV2Cbor(req)) return doors.rpcV2Cbor;
  if (doors.restJson && isRestJson(doors.restJson.signingNames, req)) return doors.restJson.handle;
  if (req.method !== "POST" || req.path !== "/") return undefined;
  if (req.headers["x-amz-target"] !== undefined) return doors.awsJson;
  const type = req.headers["content-type"];
  if (typeof type === "string" && type.toLowerCase().startsWith("application/x-www-form-urlencoded")) return doors.awsQuery;
  return undefined;
}
