import { GetSecretValueCommand, SecretsManagerClient } from "../../aws-sdk/secrets-manager.js";
import { GetParametersCommand, SSMClient } from "../../aws-sdk/ssm.js";
import { parseArn } from "../../domain/arn.js";
import type { TaskSpec } from "../../agent-protocol/messages.js";
import type { TaskRoleCredentials, TaskRoleType } from "../../agent-protocol/task-credentials.js";
import { sdkEndpoint, withFailover, type EndpointRotation } from "../endpoints.js";
import type { Trust } from "../trust.js";
import { resolveTaskSecrets, type ParametersAnswer, type SecretsOutcome, type SecretStores } from "./resolve-secrets.js";

export interface ExecutionRoleSecretsOptions {
  /** The Berth server's URLs: its SSM and Secrets Manager APIs, on the current one. */
  readonly endpoints: EndpointRotation;
  /** The agent's region: a task's own (its ARN's) comes first. */
  readonly region: string;
  readonly trust: Trust;
  /** GetTaskRoleCredentials, as the credentials endpoint asks it. */
  readonly fetch: (taskArn: string, roleType: TaskRoleType) => Promise<TaskRoleCredentials>;
}

/**
 * A task's secrets, read as its execution role, as ECS reads them: the agent gets the execution
 * role's credentials for the task (`TaskExecution`) and calls the server's SSM and Secrets Manager
 * APIs with them, in each secret's region, so that the server judges `ssm:GetParameters` and
 * `secretsmanager:GetSecretValue` by the role's policies. Clients live for one task's resolution.
 */
export function executionRoleSecrets(opts: ExecutionRoleSecretsOptions): (spec: TaskSpec) => Promise<SecretsOutcome> {
  return async (spec) => {
    let clients: RegionClients | undefined;
    try {
      return await resolveTaskSecrets(
        { containers: spec.containers, taskRegion: parseArn(spec.taskArn)?.region || opts.region, hasExecutionRole: spec.executionRoleArn !== undefined },
        async () => (clients = new RegionClients(opts, await opts.fetch(spec.taskArn, "TaskExecution"))).stores(),
      );
    } finally {
      clients?.close();
    }
  };
}

/** SDK clients signing as one role session, one per region asked for. */
class RegionClients {
  private readonly ssm = new Map<string, SSMClient>();
  private readonly asm = new Map<string, SecretsManagerClient>();
  private readonly credentials: ClientConfig["credentials"];

  constructor(
    private readonly opts: ExecutionRoleSecretsOptions,
    c: TaskRoleCredentials,
  ) {
    this.credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  }

  stores(): SecretStores {
    return {
      getParameters: async (region, names): Promise<ParametersAnswer> => {
        const client = this.client(this.ssm, region, (config) => new SSMClient(config));
        const out = await withFailover(this.opts.endpoints, () => client.send(new GetParametersCommand({ Names: [...names], WithDecryption: true })));
        const values = new Map<string, string>();
        for (const p of out.Parameters ?? []) {
          if (p.Name === undefined) continue;
          values.set(p.Name, p.Value ?? "");
          // A name asked with a version or label (`/app/db:3`) comes back as the name and its selector.
          if (p.Selector) values.set(`${p.Name}${p.Selector}`, p.Value ?? "");
        }
        return { values, invalid: out.InvalidParameters ?? [] };
      },
      getSecretValue: async (region, request) => {
        const client = this.client(this.asm, region, (config) => new SecretsManagerClient(config));
        const command = new GetSecretValueCommand({ SecretId: request.secretId, VersionStage: request.versionStage, VersionId: request.versionId });
        return (await withFailover(this.opts.endpoints, () => client.send(command))).SecretString;
      },
    };
  }

  private client<C>(clients: Map<string, C>, region: string, make: (config: ClientConfig) => C): C {
    let client = clients.get(region);
    if (client === undefined) {
      client = make({
        endpoint: sdkEndpoint(this.opts.endpoints),
        region,
        credentials: this.credentials,
        // One retry, as ECR pulls as the execution role: the server answers, or the next endpoint is tried.
        maxAttempts: 2,
        ...(this.opts.trust.httpsAgent && { requestHandler: { httpsAgent: this.opts.trust.httpsAgent } }),
      });
      clients.set(region, client);
    }
    return client;
  }

  close(): void {
    for (const c of [...this.ssm.values(), ...this.asm.values()]) c.destroy();
  }
}

interface ClientConfig {
  readonly endpoint: ReturnType<typeof sdkEndpoint>;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  readonly maxAttempts: number;
  readonly requestHandler?: { httpsAgent: import("node:https").Agent };
}
