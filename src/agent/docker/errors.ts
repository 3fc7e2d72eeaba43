/**
 * Errors of the agent's Docker layer, named as the ECS agent names them. Users see these names
 * in a stopped container's `reason` (`CannotPullContainerError: …`), so they are part of the API.
 */

/** The ECS agent's names for failed Docker operations. */
export const dockerErrorNames = {
  pull: "CannotPullContainerError",
  create: "CannotCreateContainerError",
  start: "CannotStartContainerError",
  inspect: "CannotInspectContainerError",
  stop: "CannotStopContainerError",
  remove: "CannotRemoveContainerError",
  list: "CannotListContainersError",
  volume: "CannotCreateVolumeError",
  timeout: "DockerTimeoutError",
  // A task resource (its cgroup) could not be set up: ECS's name for the same on Fargate.
  resources: "ResourceInitializationError",
} as const;

export type DockerErrorName = (typeof dockerErrorNames)[keyof typeof dockerErrorNames];

/** A failed Docker operation. Match on {@link DockerError.errorName}, never on the message. */
export class DockerError extends Error {
  /** The HTTP status the engine answered with, when it answered (404: no such container or image). */
  readonly statusCode: number | undefined;

  constructor(
    readonly errorName: DockerErrorName,
    message: string,
    options: { readonly cause?: unknown; readonly statusCode?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = errorName;
    this.statusCode = options.statusCode;
  }

  /** The container `reason` ECS reports for this error: `"<ErrorName>: <message>"`. */
  get reason(): string {
    return `${this.errorName}: ${this.message}`;
  }

  /**
   * True when the engine could not be reached at all (dockerd stopped or restarting): nothing is
   * known about the container then, so it is no reason to stop a task.
   */
  get engineUnreachable(): boolean {
    const code = (this.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" && ["ENOENT", "ECONNREFUSED", "ECONNRESET", "EPIPE"].includes(code);
  }

  /** True when the engine said the container or image does not exist. */
  get notFound(): boolean {
    return this.statusCode === 404;
  }
}
