import type { ContainerDefinition, Task } from "@aws-sdk/client-ecs";

/** Where a task's container logs with awslogs: its group and stream as the agent names it; undefined for other drivers. */
export function awslogsStreamOf(def: ContainerDefinition, task: Task): { group: string; stream: string } | undefined {
  const lc = def.logConfiguration;
  const group = lc?.options?.["awslogs-group"];
  if (lc?.logDriver !== "awslogs" || group === undefined) return undefined;
  const prefix = lc.options?.["awslogs-stream-prefix"];
  const taskId = (task.taskArn ?? "").split("/").pop() ?? "";
  if (prefix) return { group, stream: `${prefix}/${def.name ?? ""}/${taskId}` };
  const runtimeId = task.containers?.find((c) => c.name === def.name)?.runtimeId;
  return runtimeId === undefined ? undefined : { group, stream: runtimeId };
}

export interface ContainerLines {
  readonly name: string;
  /** The container's last lines, oldest first; undefined when it does not log with awslogs. */
  readonly lines?: readonly string[] | undefined;
  readonly where?: string | undefined;
}

/** `berth logs`' text: the task's status and why it stopped, then each container's exit and last lines. */
export function formatTaskLogs(task: Task, containers: readonly ContainerLines[]): string {
  const id = (task.taskArn ?? "").split("/").pop();
  const out = [`task ${id} ${task.lastStatus ?? "?"}${task.stoppedReason ? `: ${task.stoppedReason}` : ""}${task.stopCode ? ` (${task.stopCode})` : ""}`];
  for (const c of containers) {
    const state = task.containers?.find((k) => k.name === c.name);
    const exit = state?.exitCode !== undefined ? `exit code ${state.exitCode}` : (state?.lastStatus ?? "");
    out.push(`container ${c.name}: ${exit}${state?.reason ? ` (${state.reason})` : ""}`);
    if (c.lines === undefined) out.push("  (no awslogs log configuration: nothing shipped)");
    else if (c.lines.length === 0) out.push(`  (no lines in ${c.where ?? "its stream"})`);
    else out.push(...c.lines.map((l) => `  ${l}`));
  }
  return `${out.join("\n")}\n`;
}
