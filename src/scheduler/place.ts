import { Candidates } from "./candidates.js";
import { ClusterState, type TaskReservation } from "./cluster-state.js";
import { compileRequest } from "./compiled-request.js";
import { explainFailure } from "./explain.js";
import { RequestWork } from "./request-work.js";
import { drawSeed } from "./strategies/random.js";
import type { InstanceSnapshot, Placement, PlacementRequest, PlacementResult, Random } from "./types.js";

export interface PlaceOptions {
  /** The only source of randomness; called once per call. Same seed, same placements. */
  readonly random: Random;
  /** Tasks already placed but not yet in `cluster` (the writes of an uncommitted transaction). */
  readonly pending?: readonly TaskReservation[];
}

/**
 * Places `request.count` identical tasks on the cluster: checks (status, agent, CPU, memory, ports,
 * GPUs, attributes, constraints), then the strategies in order, then a seeded tie-break. Each pick
 * sees the earlier picks of the same call, and the `pending` tasks. Never changes `cluster`: the
 * planner commits the placements (re-checked in its write) and its index takes them from the change log.
 *
 * When fewer than `count` fit, the result holds the placed ones plus ECS-shaped failures (one per
 * instance, its first failed check, at the moment placement stopped) and an explanation.
 */
export function placeTasks(cluster: ClusterState, request: PlacementRequest, options: PlaceOptions): PlacementResult {
  const compiled = compileRequest(request);
  const seed = drawSeed(options.random);
  const work = new RequestWork(cluster, compiled, options.pending);
  const candidates = new Candidates(work);
  const placements: Placement[] = [];
  for (let pick = 0; pick < compiled.count; pick++) {
    const i = candidates.best(seed, pick);
    if (i < 0) {
      const view = work.view;
      const { failures, explanation } = explainFailure(
        compiled.checks,
        (visit) => {
          for (let j = 0; j < cluster.size; j++) {
            view.index = j;
            visit(view);
          }
        },
        { requested: compiled.count, placed: placements.length },
      );
      return { placements, failures, explanation };
    }
    placements.push(work.take(i));
    candidates.afterPick(i);
  }
  return { placements, failures: [] };
}

/** `placeTasks` on a list of snapshots, for callers that place once (builds the index each time). */
export const placeOnSnapshots = (instances: readonly InstanceSnapshot[], request: PlacementRequest, options: PlaceOptions): PlacementResult =>
  placeTasks(ClusterState.from(instances), request, options);
