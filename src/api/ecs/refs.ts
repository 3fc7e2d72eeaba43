import { containerInstanceArn, ecsResource, taskArn, type Partition } from "../../domain/arn.js";

/** A container-instance parameter (an id or an ARN) as the instance's ARN in the given cluster. */
export const instanceArnIn = (p: Partition, ref: string, cluster: string): string =>
  ecsResource(ref)?.type === "container-instance" ? ref : containerInstanceArn(p, cluster, ref);

/** A task parameter (an id or an ARN) as the task's ARN in the given cluster. */
export const taskArnIn = (p: Partition, ref: string, cluster: string): string =>
  ecsResource(ref)?.type === "task" ? ref : taskArn(p, cluster, ref);
