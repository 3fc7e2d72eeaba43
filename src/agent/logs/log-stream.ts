import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CreateLogGroupCommand, CreateLogStreamCommand } from "../../aws-sdk/cloudwatch-logs.js";
import { DockerError } from "../docker/errors.js";
import type { AwslogsTarget } from "./awslogs-label.js";

/** Creates the target's group (with `awslogs-create-group`) and the stream, either left as it is when it exists. */
export async function ensureLogStream(logs: CloudWatchLogsClient, target: AwslogsTarget, stream: string): Promise<void> {
  if (target.createGroup) await ignoring("ResourceAlreadyExistsException", logs.send(new CreateLogGroupCommand({ logGroupName: target.group })), "group");
  await ignoring("ResourceAlreadyExistsException", logs.send(new CreateLogStreamCommand({ logGroupName: target.group, logStreamName: stream })), "stream");
}

/** Which call of {@link ensureLogStream} failed. */
export class LogStreamError extends Error {
  constructor(
    readonly what: "group" | "stream",
    options: { readonly cause: unknown },
  ) {
    const cause = options.cause;
    super(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause), options);
    this.name = "LogStreamError";
  }
}

/**
 * A container whose log stream cannot be made does not start, in the words of Docker's awslogs
 * driver as ECS reports them (`CannotStartContainerError: Error response from daemon: failed to
 * initialize logging driver: failed to create Cloudwatch log stream: AccessDeniedException: …`).
 */
export function loggingDriverError(e: unknown): DockerError {
  const what = e instanceof LogStreamError ? e.what : "stream";
  const detail = e instanceof Error ? e.message : String(e);
  return new DockerError("CannotStartContainerError", `Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log ${what}: ${detail}`, { cause: e });
}

async function ignoring(name: string, p: Promise<unknown>, what: "group" | "stream"): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof Error && e.name === name)) throw new LogStreamError(what, { cause: e });
  }
}
