import type { StaticStructureSchema } from "@smithy/types";
import type { TaskProtectionState } from "../../agent-protocol/task-protection.js";
import type { TaskRecord } from "../../domain/task.js";
import { checkExpiresInMinutes, protectionOf, protectionRefusal, withProtection } from "../../domain/task-protection.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { Store } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";

export interface TaskProtectionInput {
  readonly taskArn: string;
  /** Absent: read the protection (GET); present: set it (PUT). */
  readonly protectionEnabled?: boolean | undefined;
  readonly expiresInMinutes?: number | undefined;
}

/** `{ taskArn, protectionEnabled?, expiresInMinutes? }` (the AWS SDKs' schema form, see validate-shape.ts). */
const TaskProtectionRequest$: StaticStructureSchema = [3, "berth", "TaskProtectionRequest", 0, ["taskArn", "protectionEnabled", "expiresInMinutes"], [0, 2, 1], 1];

/**
 * TaskProtection: what the ECS agent's `/task-protection/v1/state` endpoint asks of GetTaskProtection
 * and UpdateTaskProtection, asked by Berth's agent with its own credential. An agent reads and sets
 * the protection of tasks placed on its own instance only; other callers (root) of any task. The
 * answer is the endpoint's own shape (agent-protocol/task-protection.ts): a protection or a failure.
 */
export function taskProtection({ store }: { readonly store: Store }): Operation {
  return operation<TaskProtectionInput>(TaskProtectionRequest$, (input, ctx) => {
    const minutes = input.protectionEnabled === true ? checkExpiresInMinutes(input.expiresInMinutes) : 0;
    /** The protection after this call (and the task to save, when it changes), or a failure; AccessDeniedException for another instance's task. */
    const decide = (task: TaskRecord | undefined): { state: TaskProtectionState; save?: TaskRecord } => {
      const principal = ctx.principal;
      // Said the same way whether the task exists elsewhere or not at all: an agent learns nothing of other instances.
      if (principal.kind === "agent" && task?.containerInstanceArn !== principal.containerInstanceArn) {
        throw new AwsError("AccessDeniedException", `Task ${excerpt(input.taskArn, 256)} is not placed on container instance ${principal.containerInstanceArn}: an agent reads and sets the protection of its own tasks only.`);
      }
      const refusal = protectionRefusal(task);
      if (refusal || !task) return { state: { failure: { Arn: task?.arn ?? excerpt(input.taskArn, 256), Reason: refusal?.reason ?? "MISSING", Detail: refusal?.detail ?? null } } };
      const next = input.protectionEnabled === undefined ? task : withProtection(task, input.protectionEnabled, minutes, ctx.nowMs);
      const p = protectionOf(next, ctx.nowMs);
      const state = { protection: { ExpirationDate: p.expiresAtMs === undefined ? null : new Date(p.expiresAtMs).toISOString(), ProtectionEnabled: p.enabled, TaskArn: task.arn } };
      return next === task ? { state } : { state, save: next };
    };
    if (input.protectionEnabled === undefined) return store.read(async (tx) => decide(await tx.tasks.get(input.taskArn)).state);
    return store.write(async (tx) => {
      const { state, save } = decide(await tx.tasks.get(input.taskArn));
      if (save) await tx.tasks.put(save);
      return state;
    });
  });
}
