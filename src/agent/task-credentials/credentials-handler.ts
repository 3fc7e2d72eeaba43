import type { RequestListener, ServerResponse } from "node:http";
import type { TaskRoleCredentials } from "../../agent-protocol/task-credentials.js";
import type { TaskCredentials } from "./task-credentials.js";

/** The ECS agent's error body: `{code, message, HTTPErrorCode}`. */
function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { code, message, HTTPErrorCode: status });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The body the AWS SDKs' container credentials provider reads, as the ECS agent serves it. */
export const containerCredentialsBody = (c: TaskRoleCredentials) => ({
  RoleArn: c.roleArn,
  AccessKeyId: c.accessKeyId,
  SecretAccessKey: c.secretAccessKey,
  Token: c.sessionToken,
  Expiration: new Date(c.expiration).toISOString(),
});

export interface CredentialsHandlerOptions {
  readonly credentials: TaskCredentials;
  /** Whether a request from `address` comes from a live container of `taskArn` (task-sources.ts). */
  readonly fromTask: (taskArn: string, address: string | undefined) => Promise<boolean>;
}

/**
 * The task credentials endpoint (`http://169.254.170.2/v2/credentials/<id>`, GET): the credentials
 * of the task's role, to the task's own containers only. Errors in the ECS agent's shape and, where
 * it has them, words (400 InvalidIdInRequest for an id it holds nothing for, 400 NoIdInRequest);
 * a request from any address but the task's containers is 403 (the id alone is not enough), and
 * credentials not fetched yet (or expired, the control plane away) are 503.
 * Nothing a caller sends is logged.
 */
export function credentialsHandler(opts: CredentialsHandlerOptions): RequestListener {
  return (req, res) => {
    if (req.method !== "GET") return refuse(res, 405, "MethodNotAllowed", "CredentialsV2Request: the credentials endpoint answers GET only");
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (path === "/v2/credentials" || path === "/v2/credentials/") return refuse(res, 400, "NoIdInRequest", "CredentialsV2Request: No ID in the request");
    const m = /^\/v2\/credentials\/([A-Za-z0-9-]{1,64})$/.exec(path);
    // As the ECS agent answers an id it holds no credentials for.
    const notFound = () => refuse(res, 400, "InvalidIdInRequest", "CredentialsV2Request: Credentials not found");
    if (!m) return path.startsWith("/v2/credentials/") ? notFound() : refuse(res, 404, "NotFound", "no such path: use $AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const answer = async () => {
      const found = await opts.credentials.lookup(m[1]!);
      if (!found) return notFound();
      if (!(await opts.fromTask(found.taskArn, req.socket.remoteAddress))) {
        return refuse(res, 403, "AccessDenied", "CredentialsV2Request: these credentials belong to another task; a task's credentials are served to its own containers only");
      }
      if (!found.credentials) return refuse(res, 503, "CredentialsUnavailable", "CredentialsV2Request: the task's credentials are not available yet; retry");
      return json(res, 200, containerCredentialsBody(found.credentials));
    };
    answer().catch(() => refuse(res, 500, "InternalError", "CredentialsV2Request: the agent could not answer"));
  };
}
