import type { CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import { CloudWatchLogsClient } from "../../aws-sdk/cloudwatch-logs.js";
import type { Agent } from "node:https";
import type { TaskRoleCredentials } from "../../agent-protocol/task-credentials.js";
import type { AwslogsTarget } from "./awslogs-label.js";
import type { SdkEndpointProvider } from "../endpoints.js";

export interface LogClientsOptions {
  /** The server's URL, or a provider of the current one (agent/endpoints.ts), asked at each request. */
  readonly endpoint: string | SdkEndpointProvider;
  readonly region: string;
  readonly httpsAgent?: Agent | undefined;
  /** The agent's own credential: lines of tasks without an execution role go out with it. */
  readonly agentCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** A task's execution role credentials (GetTaskRoleCredentials, `TaskExecution`). */
  readonly executionRoleCredentials: (taskArn: string) => Promise<TaskRoleCredentials>;
}

/** A client to ship with, and what to call once done with it. */
export interface LeasedClient {
  readonly logs: CloudWatchLogsClient;
  readonly release: () => void;
}

/**
 * The CloudWatch Logs clients lines go out with. ECS's awslogs driver ships a task's lines with
 * the task execution role when the task has one, else with the instance role: here a target
 * marked with its task (`executionRoleOf`) gets a client signing as a session of that task's
 * execution role, whose credentials the SDK asks again for before they expire; others share the
 * agent's client. So the server judges `logs:CreateLogStream` and `logs:PutLogEvents` by the
 * execution role's policies, and a task's lines never go out with another task's role.
 */
export class LogClients {
  private readonly agent: CloudWatchLogsClient;

  constructor(private readonly opts: LogClientsOptions) {
    this.agent = this.client(opts.agentCredentials);
  }

  lease(target: AwslogsTarget): LeasedClient {
    const taskArn = target.executionRoleOf;
    if (taskArn === undefined) return { logs: this.agent, release: () => undefined };
    const logs = this.client(async () => {
      const c = await this.opts.executionRoleCredentials(taskArn);
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration) };
    });
    return { logs, release: () => logs.destroy() };
  }

  close(): void {
    this.agent.destroy();
  }

  private client(credentials: CloudWatchLogsClientConfig["credentials"]): CloudWatchLogsClient {
    return new CloudWatchLogsClient({
      endpoint: this.opts.endpoint,
      region: this.opts.region,
      credentials,
      maxAttempts: 1,
      ...(this.opts.httpsAgent && { requestHandler: { httpsAgent: this.opts.httpsAgent } }),
    });
  }
}
