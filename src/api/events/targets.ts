import type { TaskOverride } from "@aws-sdk/client-ecs";
import { TaskOverride$ } from "../../aws-sdk/ecs.js";
import type { ListTargetsByRuleRequest, PutTargetsRequest, PutTargetsResultEntry, RemoveTargetsRequest, RemoveTargetsResultEntry, Target } from "@aws-sdk/client-eventbridge";
import { ListTargetsByRuleRequest$, PutTargetsRequest$, RemoveTargetsRequest$ } from "../../aws-sdk/eventbridge.js";
import { ecsResource } from "../../domain/arn.js";
import { networkProblem } from "../../domain/events/network-configuration.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { EventTargetRecord } from "../../state/event-rule-records.js";
import { operation, type Operation } from "../aws-json/service.js";
import { validateShape } from "../aws-json/validate-shape.js";
import { encodeToken } from "../pagination.js";
import type { EventsDeps } from "./deps.js";
import { checkEventBus, checkName, limitOf, ruleNotFound } from "./names.js";
import { nextTokenAfter } from "../pagination.js";

/** EventBridge's quota of targets per rule. */
const maxTargets = 5;

export function targetOperations({ store }: EventsDeps): Record<string, Operation> {
  return {
    PutTargets: operation<PutTargetsRequest>(PutTargetsRequest$, async (input) => {
      checkEventBus(input.EventBusName);
      const name = checkName("rule", input.Rule ?? "");
      const targets = input.Targets ?? [];
      if (targets.length < 1 || targets.length > 10) throw new AwsError("ValidationException", `Targets must hold 1 to 10 targets; got ${targets.length}.`);
      for (const t of targets) checkName("targets.member.id", t.Id ?? "");
      const failed: PutTargetsResultEntry[] = [];
      const accepted: EventTargetRecord[] = [];
      for (const t of targets) {
        const problem = targetProblem(t);
        if (typeof problem === "string") failed.push({ TargetId: t.Id, ErrorCode: "ValidationException", ErrorMessage: problem });
        else accepted.push(problem);
      }
      await store.write(async (tx) => {
        const rule = await tx.eventRules.get(name);
        if (!rule) throw ruleNotFound(name);
        const byId = new Map(rule.targets.map((t) => [t.target.Id ?? "", t]));
        for (const t of accepted) byId.set(t.target.Id ?? "", t);
        if (byId.size > maxTargets) throw new AwsError("LimitExceededException", `The requested resource exceeds the maximum number allowed: a rule has at most ${maxTargets} targets.`);
        await tx.eventRules.put({ ...rule, version: rule.version + 1, targets: [...byId.values()] });
      });
      return { FailedEntryCount: failed.length, FailedEntries: failed };
    }),

    RemoveTargets: operation<RemoveTargetsRequest>(RemoveTargetsRequest$, async (input) => {
      checkEventBus(input.EventBusName);
      const name = checkName("rule", input.Rule ?? "");
      const ids = input.Ids ?? [];
      if (ids.length < 1 || ids.length > 100) throw new AwsError("ValidationException", `Ids must hold 1 to 100 target ids; got ${ids.length}.`);
      const failed: RemoveTargetsResultEntry[] = [];
      await store.write(async (tx) => {
        const rule = await tx.eventRules.get(name);
        if (!rule) throw ruleNotFound(name);
        const remove = new Set(ids);
        await tx.eventRules.put({ ...rule, version: rule.version + 1, targets: rule.targets.filter((t) => !remove.has(t.target.Id ?? "")) });
      });
      return { FailedEntryCount: failed.length, FailedEntries: failed };
    }),

    ListTargetsByRule: operation<ListTargetsByRuleRequest>(ListTargetsByRuleRequest$, async (input) => {
      checkEventBus(input.EventBusName);
      const name = checkName("rule", input.Rule ?? "");
      const limit = limitOf(input.Limit);
      const after = nextTokenAfter(input.NextToken);
      const rule = await store.read((tx) => tx.eventRules.get(name));
      if (!rule) throw ruleNotFound(name);
      const rest = rule.targets.filter((t) => after === undefined || (t.target.Id ?? "") > after).sort((a, b) => ((a.target.Id ?? "") < (b.target.Id ?? "") ? -1 : 1));
      const items = rest.slice(0, limit);
      return { Targets: items.map((t) => t.target), NextToken: rest.length > limit ? encodeToken(items.at(-1)?.target.Id) : undefined };
    }),
  };
}

/** The target as the store keeps it, or why Berth cannot invoke it (a failed entry, as EventBridge reports per target). */
function targetProblem(t: Target): EventTargetRecord | string {
  const arn = t.Arn ?? "";
  if (ecsResource(arn)?.type !== "cluster") return `Berth invokes ECS clusters only: Arn must be an ECS cluster ARN; got '${excerpt(arn, 256)}'.`;
  const ecs = t.EcsParameters;
  if (!ecs) return "EcsParameters is required for an ECS cluster target.";
  const count = ecs.TaskCount ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 10) return `EcsParameters.TaskCount must be from 1 to 10; got ${count}.`;
  const network = networkProblem(ecs.NetworkConfiguration?.awsvpcConfiguration, "EcsParameters.NetworkConfiguration.awsvpcConfiguration");
  if (network) return network;
  if (t.InputPath !== undefined || t.InputTransformer !== undefined) return "Berth passes a constant Input only: InputPath and InputTransformer are not offered.";
  if (t.Input === undefined) return { target: t };
  const overrides = inputOverrides(t.Input);
  return typeof overrides === "string" ? overrides : { target: t, overrides };
}

/** An ECS target's Input: the task's overrides (`{"containerOverrides": [...]}`), checked against ECS's TaskOverride shape. */
function inputOverrides(text: string): TaskOverride | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "Input is not valid JSON.";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "Input must be a JSON object of task overrides, such as {\"containerOverrides\": [...]}.";
  try {
    // validateShape checks the value against the model TaskOverride is generated from.
    return validateShape(TaskOverride$, parsed);
  } catch (e) {
    if (e instanceof AwsError) return `Input is not a task override: ${e.message}`;
    throw e;
  }
}
