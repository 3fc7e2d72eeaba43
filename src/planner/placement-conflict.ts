/**
 * The planner's re-check found placements that no longer fit the store: its view of the cluster
 * was behind (another writer placed or reserved since). The write rolls back; plan again.
 */
export class PlacementConflictError extends Error {
  override readonly name = "PlacementConflictError";
  constructor(
    readonly cluster: string,
    readonly instanceArns: readonly string[],
  ) {
    super(`placements on ${instanceArns.length} instance(s) of cluster ${cluster} no longer fit: the planner's view was behind the store`);
  }
}
