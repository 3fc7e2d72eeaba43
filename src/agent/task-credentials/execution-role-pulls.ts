import { ECRClient, GetAuthorizationTokenCommand } from "../../aws-sdk/ecr.js";
import type Docker from "dockerode";
import type { TaskRoleCredentials, TaskRoleType } from "../../agent-protocol/task-credentials.js";
import { RegistryAuth, type AuthorizationData } from "../registry-auth.js";
import type { Trust } from "../trust.js";
import { sdkEndpoint, withFailover, type EndpointRotation } from "../endpoints.js";

export interface ExecutionRolePullsOptions {
  /** The Berth server's URLs: the current one's ECR API, and each one's host:port as the registry's. */
  readonly endpoints: EndpointRotation;
  readonly region: string;
  readonly trust: Trust;
  /** GetTaskRoleCredentials, as the credentials endpoint asks it. */
  readonly fetch: (taskArn: string, roleType: TaskRoleType) => Promise<TaskRoleCredentials>;
  readonly now: () => number;
}

/** ECR's GetAuthorizationToken, signed with a role session's credentials. */
async function authorizationTokenAs(opts: ExecutionRolePullsOptions, c: TaskRoleCredentials): Promise<AuthorizationData> {
  const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  const ecr = new ECRClient({ endpoint: sdkEndpoint(opts.endpoints), region: opts.region, credentials, requestHandler: { httpsAgent: opts.trust.httpsAgent }, maxAttempts: 2 });
  try {
    const data = (await withFailover(opts.endpoints, () => ecr.send(new GetAuthorizationTokenCommand({})))).authorizationData?.[0];
    if (data?.authorizationToken === undefined || data.expiresAt === undefined) throw new Error("GetAuthorizationToken returned no token");
    return { authorizationToken: data.authorizationToken, expiresAtMs: data.expiresAt.getTime() };
  } finally {
    ecr.destroy();
  }
}

/**
 * Registry credentials for a task with an execution role, as ECS pulls ECR images with the
 * execution role rather than the instance's: the agent gets the execution role's credentials for
 * that task (GetTaskRoleCredentials, `TaskExecution`), asks ECR for a token with them, and Docker
 * pulls with it, so the registry judges the pull by the execution role's policies
 * (`ecr:GetAuthorizationToken`, `ecr:BatchGetImage`, …). Images of other registries need nothing.
 * One token per pull: pulls are rare, and a token names the task's own session.
 */
export function executionRolePulls(opts: ExecutionRolePullsOptions): (image: string, taskArn: string) => Promise<Docker.AuthConfig | undefined> {
  return (image, taskArn) =>
    new RegistryAuth({
      endpoints: opts.endpoints.all,
      now: opts.now,
      getAuthorizationToken: async () => authorizationTokenAs(opts, await opts.fetch(taskArn, "TaskExecution")),
    }).authFor(image);
}
