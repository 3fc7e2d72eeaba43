/**
 * Managed capacity: the hosts whose agent runs with `--capacity fargate` (BERTH_CAPACITY=fargate).
 * They register their container instances into one pool that no ECS cluster lists; FARGATE tasks
 * of every cluster are placed there (the task's `cluster` is its own, its instance the pool's).
 *
 * The pool is kept as a cluster name that ECS cluster names cannot spell (a dot is not allowed in
 * them, CreateCluster refuses it), so no user's cluster can collide with it or address it: there
 * is no cluster record, and ListClusters, DescribeClusters and RunTask never find it.
 */
export const fargatePoolCluster = "berth.fargate-pool";

/** The cluster whose instances a task is placed on: the pool for FARGATE tasks, else the task's own. */
export const placementClusterOf = (t: { readonly cluster: string; readonly launchType: string }): string =>
  t.launchType === "FARGATE" ? fargatePoolCluster : t.cluster;
