import type { RequestListener, ServerResponse } from "node:http";
import type { TaskRoleCredentials } from "../../agent-protocol/task-credentials.js";
import type { TaskCredentials } from "./task-credentials.js";

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
 * of the task's role, to the task's own containers only. An unknown id is 404, a request from any
 * other address 403 (the id alone is not enough), credentials not fetched yet 503 (SDKs retry).
 * Nothing a caller sends is logged.
 */
export function credentialsHandler(opts: CredentialsHandlerOptions): RequestListener {
  return (req, res) => {
    const m = /^\/v2\/credentials\/([A-Za-z0-9-]{1,64})$/.exec((req.url ?? "").split("?")[0] ?? "");
    if (req.method !== "GET") return json(res, 405, { code: "MethodNotAllowed", message: "The credentials endpoint answers GET only." });
    if (!m) return json(res, 404, { code: "InvalidIdInRequest", message: "CredentialsV2Request: no credentials at this path; use $AWS_CONTAINER_CREDENTIALS_RELATIVE_URI." });
    const answer = async () => {
      const found = await opts.credentials.lookup(m[1]!);
      if (!found) return json(res, 404, { code: "InvalidIdInRequest", message: "CredentialsV2Request: Credentials not found" });
      if (!(await opts.fromTask(found.taskArn, req.socket.remoteAddress))) {
        return json(res, 403, { code: "AccessDenied", message: "CredentialsV2Request: these credentials belong to another task; a task's credentials are served to its own containers only." });
      }
      if (!found.credentials) return json(res, 503, { code: "CredentialsNotReady", message: "CredentialsV2Request: the task's credentials are not available yet; retry." });
      return json(res, 200, containerCredentialsBody(found.credentials));
    };
    answer().catch(() => json(res, 500, { code: "InternalError", message: "CredentialsV2Request: the agent could not answer." }));
  };
}
