import { ECSClient } from "../../aws-sdk/ecs.js";

/** Flags every client command (`berth diff`, `berth deploy`) takes, as the AWS CLI names them. */
export interface ClientFlags {
  readonly endpointUrl?: string | undefined;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
}

export const defaultEndpoint = "http://127.0.0.1:4400";

/**
 * An ECS client of the AWS SDK v3, configured as the AWS CLI would be: the endpoint from
 * `--endpoint-url`, `AWS_ENDPOINT_URL_ECS` or `AWS_ENDPOINT_URL` (else Berth's default), the region
 * from `--region`, `AWS_REGION` or `AWS_DEFAULT_REGION`, and the user's credentials from the SDK's
 * default chain (environment, then the shared credentials file and `--profile` / `AWS_PROFILE`).
 * Berth's commands get no key of their own: they are clients like any other.
 */
export function ecsClientFor(flags: ClientFlags, env: NodeJS.ProcessEnv): ECSClient {
  return new ECSClient({
    endpoint: flags.endpointUrl ?? env.AWS_ENDPOINT_URL_ECS ?? env.AWS_ENDPOINT_URL ?? defaultEndpoint,
    region: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...(flags.profile === undefined ? {} : { profile: flags.profile }),
  });
}

/** Adds the client flags to a command. */
export function withClientOptions<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option("--cluster <name>", "cluster name or ARN (default: default)")
    .option("--endpoint-url <url>", `Berth's endpoint (env AWS_ENDPOINT_URL_ECS or AWS_ENDPOINT_URL; default ${defaultEndpoint})`)
    .option("--region <region>", "region (env AWS_REGION or AWS_DEFAULT_REGION; default us-east-1)")
    .option("--profile <name>", "profile of the shared credentials file (env AWS_PROFILE)");
}
