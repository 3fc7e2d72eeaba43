import type { ContainerDefinition } from "@aws-sdk/client-ecs";

/**
 * A container with the `awslogs` driver runs with Docker's own `json-file` driver, so that Docker
 * keeps its lines on disk, and carries this label: where the agent ships them (log-shipping.ts).
 * The label survives agent restarts with the container, so shipping resumes after one.
 */
export const awslogsLabelKey = "berth.awslogs";

export interface AwslogsTarget {
  readonly group: string;
  /** `prefix/container-name/task-id`, or undefined: the container's Docker id, as Docker's awslogs driver names it without a prefix. */
  readonly stream?: string | undefined;
  readonly createGroup: boolean;
  readonly datetimeFormat?: string | undefined;
  readonly multilinePattern?: string | undefined;
  /**
   * Set when the container's task has an execution role: its lines then go out as that role (the
   * task's ARN says whose credentials to ask for), as ECS's awslogs driver ships with the task
   * execution role; without one, as the agent (the instance role's part).
   */
  readonly executionRoleOf?: string | undefined;
}

/** The label for a container definition, or undefined when its driver is not awslogs. */
export function awslogsLabel(c: ContainerDefinition, taskArn: string, executionRoleArn?: string): Record<string, string> | undefined {
  if (c.logConfiguration?.logDriver !== "awslogs") return undefined;
  const o = c.logConfiguration.options ?? {};
  const prefix = o["awslogs-stream-prefix"];
  const taskId = taskArn.slice(taskArn.lastIndexOf("/") + 1);
  const target: AwslogsTarget = {
    group: o["awslogs-group"] ?? "",
    stream: prefix ? `${prefix}/${c.name ?? ""}/${taskId}` : undefined,
    createGroup: o["awslogs-create-group"] === "true",
    datetimeFormat: o["awslogs-datetime-format"],
    multilinePattern: o["awslogs-multiline-pattern"],
    executionRoleOf: executionRoleArn === undefined ? undefined : taskArn,
  };
  return { [awslogsLabelKey]: JSON.stringify(target) };
}

/** The target a container's labels name, or undefined. */
export function parseAwslogsLabel(labels: Readonly<Record<string, string>>): AwslogsTarget | undefined {
  const raw = labels[awslogsLabelKey];
  if (raw === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== "object" || v === null || !("group" in v) || typeof v.group !== "string" || v.group === "") return undefined;
    const stream = "stream" in v && typeof v.stream === "string" ? v.stream : undefined;
    const text = (key: string): string | undefined => (key in v && typeof (v as Record<string, unknown>)[key] === "string" ? ((v as Record<string, unknown>)[key] as string) : undefined);
    return { group: v.group, stream, createGroup: "createGroup" in v && v.createGroup === true, datetimeFormat: text("datetimeFormat"), multilinePattern: text("multilinePattern"), executionRoleOf: text("executionRoleOf") };
  } catch {
    return undefined;
  }
}

/** Docker's own driver for an awslogs container: bounded files the agent reads back. */
export const awslogsDockerLogConfig = { Type: "json-file", Config: { "max-size": "64m", "max-file": "4" } } as const;

/**
 * `mode` and `max-buffer-size`, which Docker applies to any driver: `non-blocking` keeps a
 * container's writes from ever waiting on its log, buffering up to `max-buffer-size` (Docker's
 * default 1m) in dockerd and dropping beyond it (Docker logs the drops); `blocking` is the default.
 */
export function awslogsDeliveryMode(options: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const mode = options?.mode;
  if (mode !== "non-blocking") return {};
  const size = options?.["max-buffer-size"];
  return { mode, ...(size !== undefined && { "max-buffer-size": size }) };
}
