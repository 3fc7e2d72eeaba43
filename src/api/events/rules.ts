import type { DeleteRuleRequest, DescribeRuleRequest, DisableRuleRequest, EnableRuleRequest, ListRulesRequest, PutRuleRequest, Rule } from "@aws-sdk/client-eventbridge";
import { DeleteRuleRequest$, DescribeRuleRequest$, DisableRuleRequest$, EnableRuleRequest$, ListRulesRequest$, PutRuleRequest$ } from "../../aws-sdk/eventbridge.js";
import { eventRuleArn } from "../../domain/arn.js";
import { compilePattern, PatternError, type CompiledPattern } from "../../domain/events/event-pattern.js";
import { parseScheduleExpression } from "../../domain/schedules/schedule-expression.js";
import { nextDue } from "../../domain/schedules/rule-schedule.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { EventRuleRecord } from "../../state/event-rule-records.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken } from "../pagination.js";
import type { EventsDeps } from "./deps.js";
import { checkEventBus, checkName, limitOf, ruleNotFound } from "./names.js";
import { nextTokenAfter } from "../pagination.js";

export function ruleOperations({ store }: EventsDeps): Record<string, Operation> {
  /** Saves a rule's new state with its next due time (the schedules runner reads due rules from the store). */
  const setState = async (name: string | undefined, bus: string | undefined, state: "ENABLED" | "DISABLED", nowMs: number) => {
    checkEventBus(bus);
    await store.write(async (tx) => {
      const rule = await tx.eventRules.get(checkName("name", name ?? ""));
      if (!rule) throw ruleNotFound(name ?? "");
      if (rule.state === state) return;
      // Enabling restarts a rate's count, as EventBridge does; a disabled rule has no due run.
      const anchorMs = state === "ENABLED" ? nowMs : rule.anchorMs;
      const next = { ...rule, state, anchorMs, lastFireMs: state === "ENABLED" ? undefined : rule.lastFireMs };
      await tx.eventRules.put({ ...next, version: rule.version + 1, nextFireMs: nextDue(next, nowMs) });
    });
    return {};
  };

  return {
    PutRule: operation<PutRuleRequest>(PutRuleRequest$, async (input, ctx) => {
      const name = checkName("name", input.Name ?? "");
      checkEventBus(input.EventBusName);
      if (input.ScheduleExpression === undefined && input.EventPattern === undefined) {
        throw new AwsError("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.");
      }
      if (input.ScheduleExpression !== undefined && "invalid" in parseScheduleExpression(input.ScheduleExpression)) {
        throw new AwsError("ValidationException", "Parameter ScheduleExpression is not valid.");
      }
      if (input.EventPattern !== undefined) checkEventPattern(input.EventPattern);
      const state = input.State ?? "ENABLED";
      if (state !== "ENABLED" && state !== "DISABLED") throw new AwsError("ValidationException", `State must be ENABLED or DISABLED; got '${excerpt(state)}'.`);
      if ((input.Description?.length ?? 0) > 512) throw new AwsError("ValidationException", "Description can be at most 512 characters.");
      const arn = eventRuleArn(ctx.partition, name);
      await store.write(async (tx) => {
        const old = await tx.eventRules.get(name);
        // Changing the schedule (or the state) restarts its count; an unchanged PutRule keeps the rule's timing.
        const sameTiming = old !== undefined && old.scheduleExpression === input.ScheduleExpression && old.state === state;
        const timing = { state, scheduleExpression: input.ScheduleExpression, anchorMs: sameTiming ? old.anchorMs : ctx.nowMs, lastFireMs: sameTiming ? old.lastFireMs : undefined };
        const rule: EventRuleRecord = {
          name,
          arn,
          version: (old?.version ?? 0) + 1,
          ...timing,
          eventPattern: input.EventPattern,
          description: input.Description,
          roleArn: input.RoleArn,
          createdBy: old?.createdBy ?? ctx.partition.accountId,
          targets: old?.targets ?? [],
          nextFireMs: sameTiming ? old.nextFireMs : nextDue(timing, ctx.nowMs),
          invocations: old?.invocations ?? [],
        };
        await tx.eventRules.put(rule);
      });
        return { RuleArn: arn };
    }),

    DescribeRule: operation<DescribeRuleRequest>(DescribeRuleRequest$, async (input) => {
      checkEventBus(input.EventBusName);
      const rule = await store.read((tx) => tx.eventRules.get(checkName("name", input.Name ?? "")));
      if (!rule) throw ruleNotFound(input.Name ?? "");
      return { ...ruleView(rule), CreatedBy: rule.createdBy };
    }),

    ListRules: operation<ListRulesRequest>(ListRulesRequest$, async (input) => {
      checkEventBus(input.EventBusName);
      if (input.NamePrefix !== undefined) checkName("namePrefix", input.NamePrefix);
      const page = await store.read((tx) => tx.eventRules.list({ namePrefix: input.NamePrefix, after: nextTokenAfter(input.NextToken), limit: limitOf(input.Limit) }));
      return { Rules: page.items.map(ruleView), NextToken: encodeToken(page.nextAfter) };
    }),

    EnableRule: operation<EnableRuleRequest>(EnableRuleRequest$, (input, ctx) => setState(input.Name, input.EventBusName, "ENABLED", ctx.nowMs)),
    DisableRule: operation<DisableRuleRequest>(DisableRuleRequest$, (input, ctx) => setState(input.Name, input.EventBusName, "DISABLED", ctx.nowMs)),

    DeleteRule: operation<DeleteRuleRequest>(DeleteRuleRequest$, async (input) => {
      checkEventBus(input.EventBusName);
      const name = checkName("name", input.Name ?? "");
      await store.write(async (tx) => {
        const rule = await tx.eventRules.get(name);
        // Deleting a rule that does not exist succeeds, as in EventBridge.
        if (!rule) return;
        if (rule.targets.length > 0) throw new AwsError("ValidationException", "Rule can't be deleted since it has targets.");
        await tx.eventRules.delete(name);
      });
        return {};
    }),
  };
}

function ruleView(r: EventRuleRecord): Rule {
  return {
    Name: r.name,
    Arn: r.arn,
    EventPattern: r.eventPattern,
    ScheduleExpression: r.scheduleExpression,
    State: r.state,
    Description: r.description,
    RoleArn: r.roleArn,
    EventBusName: "default",
  };
}

/** A pattern EventBridge would accept (`domain/events/event-pattern.ts`), else its InvalidEventPatternException. */
export function checkEventPattern(text: string): CompiledPattern {
  try {
    return compilePattern(text);
  } catch (e) {
    if (e instanceof PatternError) throw new AwsError("InvalidEventPatternException", `Event pattern is not valid. Reason: ${e.message}.`);
    throw e;
  }
}
