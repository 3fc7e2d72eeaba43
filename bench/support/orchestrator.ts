/**
 * What bench/docker-vs-swarm.ts asks of each orchestrator, so that both are driven and polled by
 * the same code: a replicated service of the test image, its containers, a rolling update.
 */
export interface Orchestrator {
  readonly name: string;
  /** The orchestrator's own processes (not the engine's): their CPU is its cost. */
  pids(): number[];
  /** What must exist before `create` and is not timed (Berth: the task definition; Swarm: nothing). */
  prepareCreate(round: number): Promise<void>;
  /** Creates the service `round` with `replicas` tasks (returns once the call is answered). */
  create(round: number, replicas: number): Promise<void>;
  /** One look: are all `replicas` tasks RUNNING as the orchestrator reports them? */
  allRunning(replicas: number): Promise<boolean>;
  /** The full Docker ids of the service's running containers. */
  runningContainers(): Promise<string[]>;
  /** One look: are `replicas` tasks RUNNING again, none of them on a container of `killed`? */
  replaced(killed: ReadonlySet<string>, replicas: number): Promise<boolean>;
  /** What must exist before `update` and is not timed (Berth: the new task definition revision). */
  prepareUpdate(revision: number): Promise<void>;
  /** Starts a rolling update to revision `revision`, all tasks at once, new ones started first. */
  update(revision: number): Promise<void>;
  /** One look: is the update done (one deployment, `replicas` RUNNING, all of the new revision)? */
  updated(revision: number, replicas: number): Promise<boolean>;
  /** Removes the service and waits until its containers are gone. */
  remove(): Promise<void>;
  /** Stops everything it started and removes everything it made; safe to call twice. */
  close(): Promise<void>;
}

/** The container every task runs, on both sides: the test image, `sleep` under an init, 32 MiB. */
export const workload = { image: "berth-test:latest", command: ["sleep", "100000"], memoryMiB: 32, stopGraceSeconds: 10 } as const;
