import { parseArn } from "../domain/arn.js";
import { parseEcrUri } from "../domain/image-refs.js";
import { DockerError } from "./docker/errors.js";

/**
 * The reference Docker pulls for `image` in a task of `taskArn`: the image itself, unless it is an
 * Amazon ECR URI. Berth's registry is the ECR of its account and region (CreateRepository's
 * `repositoryUri` is `<registry host>/<name>`), so an image in the ECR of the task's own account and
 * region, `<account>.dkr.ecr.<region>.amazonaws.com/<name>[:tag|@digest]`, is pulled from Berth's
 * registry as `<registry host>/<name>…`: task definitions written for ECS run unchanged once their
 * images are pushed to Berth. Another account's or region's ECR is out of Berth's reach: the pull
 * fails and says so.
 */
export function registryReference(image: string, taskArn: string, registryHost: string): string {
  const ecr = parseEcrUri(image);
  const own = parseArn(taskArn);
  if (ecr === undefined || own === undefined) return image;
  const { account, region, path: rest } = ecr;
  if (account === own.account && region === own.region) return `${registryHost}/${rest}`;
  throw new DockerError(
    "CannotPullContainerError",
    `${image} is in the Amazon ECR of account ${account} in ${region}, which Berth cannot reach: Berth's registry is the ECR of account ${own.account} in ${own.region}; push the image there and name it ${own.account}.dkr.ecr.${own.region}.amazonaws.com/${rest} or by its repositoryUri`,
  );
}
