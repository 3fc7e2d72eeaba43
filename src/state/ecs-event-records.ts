/**
 * What the ECS events controller (controller/ecs-events/) keeps in the store (migration 14): how far
 * it has read the change log, and per resource the state it last made an event of. Both are saved
 * in the write that starts the tasks its events' rules target, so an event's targets run once,
 * across restarts: after one, it reads on from its cursor, and compares with the states saved.
 */
export interface EcsEventReader {
  /** The revision of the last change read; undefined before the controller first ran. */
  cursor(): Promise<number | undefined>;
  /** The state last made an event of, by key (`task:<arn>`, `deployment:<id>`, …), for the keys known. */
  states(keys: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

export interface EcsEventRepository extends EcsEventReader {
  /** Moves the cursor from `from` (undefined: not set yet) to `to`; throws EcsEventCursorMoved when another writer moved it. */
  advance(from: number | undefined, to: number): Promise<void>;
  setStates(states: ReadonlyMap<string, string>): Promise<void>;
  /** Forgets the states of tasks the store no longer has (stopped and purged); returns how many. */
  forgetGoneTasks(): Promise<number>;
}

export class EcsEventCursorMoved extends Error {
  override readonly name = "EcsEventCursorMoved";
  constructor(readonly expected: number | undefined) {
    super(`the ECS events cursor moved from ${expected ?? "unset"}: another writer read those changes`);
  }
}
