/**
 * How a cluster counts its open tasks: by lastStatus, FARGATE tasks apart, so that DescribeClusters'
 * statistics can say how many run on EC2 capacity and how many on FARGATE's.
 */
export function taskCountKey(launchType: string, lastStatus: string): string {
  return launchType === "FARGATE" ? `FARGATE ${lastStatus}` : lastStatus;
}

/** Running and pending tasks of one launch type, from counts by `taskCountKey`. */
export function runningAndPending(counts: ReadonlyMap<string, number>, launchType: "EC2" | "FARGATE"): { readonly running: number; readonly pending: number } {
  const n = (status: string): number => counts.get(taskCountKey(launchType, status)) ?? 0;
  return { running: n("RUNNING"), pending: n("PROVISIONING") + n("PENDING") + n("ACTIVATING") };
}
