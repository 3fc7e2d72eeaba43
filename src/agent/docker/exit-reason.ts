/**
 * What a Docker inspect result means in ECS terms: the container's status, exit code, `reason`
 * and health, as the ECS agent reports them in SubmitTaskStateChange.
 */

/** The fields of `GET /containers/{id}/json` `.State` this module reads. */
export interface InspectedState {
  readonly Status: string;
  readonly Running: boolean;
  readonly OOMKilled: boolean;
  readonly ExitCode: number;
  readonly Error: string;
  readonly StartedAt: string;
  readonly FinishedAt: string;
  readonly Health?: { readonly Status: string } | undefined;
}

export type ContainerHealth = "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
/** ECS container statuses; a created but not started container is still PENDING. */
export type ObservedStatus = "PENDING" | "RUNNING" | "STOPPED";

export interface ContainerOutcome {
  readonly status: ObservedStatus;
  /** Only for a container that ran and stopped. */
  readonly exitCode?: number;
  /** `"<ErrorName>: <message>"`, e.g. `OutOfMemoryError: Container killed due to memory usage`. */
  readonly reason?: string;
  readonly health: ContainerHealth;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
}

export const outOfMemoryReason = "OutOfMemoryError: Container killed due to memory usage";

const statusByDockerState: Readonly<Record<string, ObservedStatus>> = {
  created: "PENDING",
  running: "RUNNING",
  paused: "RUNNING",
  restarting: "RUNNING",
  removing: "STOPPED",
  exited: "STOPPED",
  dead: "STOPPED",
};

/** Docker's health states → ECS's: healthy → HEALTHY, unhealthy → UNHEALTHY, starting or none → UNKNOWN. */
export function healthStatus(state: Pick<InspectedState, "Health">): ContainerHealth {
  switch (state.Health?.Status) {
    case "healthy":
      return "HEALTHY";
    case "unhealthy":
      return "UNHEALTHY";
    default:
      return "UNKNOWN";
  }
}

/** The ECS view of one inspected container. */
export function containerOutcome(state: InspectedState): ContainerOutcome {
  const status = (Object.hasOwn(statusByDockerState, state.Status) ? statusByDockerState[state.Status] : undefined) ??
    (state.Running ? "RUNNING" : "STOPPED");
  const startedAt = dockerTime(state.StartedAt);
  const finishedAt = dockerTime(state.FinishedAt);
  const ran = startedAt !== undefined;
  return {
    status,
    ...(status === "STOPPED" && ran && { exitCode: state.ExitCode }),
    ...(status === "STOPPED" && exitReason(state)),
    health: healthStatus(state),
    ...(startedAt && { startedAt }),
    ...(status === "STOPPED" && finishedAt && { finishedAt }),
  };
}

function exitReason(state: InspectedState): { reason?: string } {
  if (state.OOMKilled) return { reason: outOfMemoryReason };
  // The ECS agent passes Docker's own State.Error on (e.g. an OCI runtime failure at start).
  if (state.Error !== "") return { reason: `DockerStateError: ${state.Error}` };
  return {};
}

/** Docker writes `0001-01-01T00:00:00Z` for "never". */
function dockerTime(text: string): Date | undefined {
  if (text === "" || text.startsWith("0001-01-01")) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
