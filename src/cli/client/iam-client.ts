import { IAMClient } from "../../aws-sdk/iam.js";
import { defaultEndpoint, type ClientFlags } from "./ecs-client.js";

/**
 * An IAM client of the AWS SDK v3, configured as the AWS CLI would be: the endpoint from
 * `--endpoint-url`, `AWS_ENDPOINT_URL_IAM` or `AWS_ENDPOINT_URL` (else Berth's default), the
 * region and credentials as for {@link ecsClientFor}.
 */
export function iamClientFor(flags: ClientFlags, env: NodeJS.ProcessEnv): IAMClient {
  return new IAMClient({
    endpoint: flags.endpointUrl ?? env.AWS_ENDPOINT_URL_IAM ?? env.AWS_ENDPOINT_URL ?? defaultEndpoint,
    region: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...(flags.profile === undefined ? {} : { profile: flags.profile }),
  });
}
