import { AwsError } from "../../errors/catalog.js";
import { ruleArn } from "../../domain/load-balancing/arns.js";
import type { RuleRecord } from "../../domain/load-balancing/types.js";
import type { WriteTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import { checkActionTargets, parseActions, parseConditions } from "./actions.js";
import type { Elbv2Deps } from "./deps.js";
import { mustListener, mustRule } from "./lookups.js";
import { paginate } from "./paging.js";
import { optInt, optList, optString, optStrings, reqString, validation } from "./params.js";
import { parseTags, saveTags } from "./tags.js";
import { defaultRuleView, ruleView } from "./views.js";

const maxPriority = 50_000;

async function checkPriorityFree(tx: WriteTx, listenerArn: string, priority: number, except: string): Promise<void> {
  const taken = (await tx.loadBalancing.rules(listenerArn)).find((r) => r.priority === priority && r.arn !== except);
  if (taken) throw new AwsError("PriorityInUse", `Priority '${priority}' is currently in use`);
}

export function ruleOperations(deps: Elbv2Deps): Record<string, QueryOperation> {
  const { store } = deps;
  return {
    CreateRule: {
      async handle(p) {
        const listenerArn = reqString(p, "ListenerArn");
        const priority = optInt(p, "Priority", 1, maxPriority);
        if (priority === undefined) throw validation("A priority must be specified");
        const conditions = parseConditions(p);
        const actions = parseActions(p, "Actions");
        const tags = parseTags(p);
        const rule = await store.write(async (tx) => {
          const listener = await mustListener(tx, listenerArn);
          if (listener.protocol === "TCP") throw new AwsError("InvalidConfigurationRequest", "Rules are for HTTP and HTTPS listeners");
          await checkPriorityFree(tx, listenerArn, priority, "");
          await checkActionTargets(tx, actions);
          const record: RuleRecord = { arn: ruleArn(listener.arn, deps.newId().slice(0, 16)), listenerArn, priority, conditions, actions };
          await tx.loadBalancing.putRule(record);
          await saveTags(tx, record.arn, tags);
          return record;
        });
        deps.dataPlane.changed();
        return { Rules: [ruleView(rule)] };
      },
    },
    DescribeRules: {
      async handle(p) {
        const listenerArn = optString(p, "ListenerArn");
        const arns = optStrings(p, "RuleArns");
        if (listenerArn === undefined && !arns?.length) throw validation("You must specify either listener ARN or rule ARNs");
        const views = await store.read(async (tx) => {
          if (arns?.length) return (await Promise.all(arns.map((a) => mustRule(tx, a)))).map(ruleView);
          const listener = await mustListener(tx, listenerArn ?? "");
          return [...(await tx.loadBalancing.rules(listener.arn)).map(ruleView), defaultRuleView(listener)];
        });
        const { items, next } = paginate(views, optString(p, "Marker"), optInt(p, "PageSize", 1, 400) ?? 400);
        return { Rules: items, NextMarker: next };
      },
    },
    ModifyRule: {
      async handle(p) {
        const arn = reqString(p, "RuleArn");
        const conditions = p.Conditions === undefined ? undefined : parseConditions(p);
        const actions = p.Actions === undefined ? undefined : parseActions(p, "Actions");
        const rule = await store.write(async (tx) => {
          const current = await mustRule(tx, arn);
          const next = { ...current, conditions: conditions ?? current.conditions, actions: actions ?? current.actions };
          await checkActionTargets(tx, next.actions);
          await tx.loadBalancing.putRule(next);
          return next;
        });
        deps.dataPlane.changed();
        return { Rules: [ruleView(rule)] };
      },
    },
    DeleteRule: {
      async handle(p) {
        const arn = reqString(p, "RuleArn");
        if (arn.endsWith("/default")) throw new AwsError("OperationNotPermitted", "Default rules cannot be deleted");
        await store.write(async (tx) => {
          await mustRule(tx, arn);
          await tx.loadBalancing.remove(arn);
        });
        deps.dataPlane.changed();
        return {};
      },
    },
    SetRulePriorities: {
      async handle(p) {
        const list = optList(p, "RulePriorities") ?? [];
        if (list.length === 0) throw validation("RulePriorities must name at least one rule.");
        const wanted = list.map((r) => ({ arn: reqString(r, "RuleArn"), priority: optInt(r, "Priority", 1, maxPriority) ?? 0 }));
        if (wanted.some((w) => w.priority === 0)) throw validation("Each rule needs a priority from 1 to 50000.");
        if (new Set(wanted.map((w) => w.priority)).size !== wanted.length) throw new AwsError("PriorityInUse", "Two rules cannot be given one priority");
        const rules = await store.write(async (tx) => {
          const updated: RuleRecord[] = [];
          for (const w of wanted) updated.push({ ...(await mustRule(tx, w.arn)), priority: w.priority });
          for (const r of updated) await tx.loadBalancing.putRule(r);
          for (const r of updated) await checkPriorityFree(tx, r.listenerArn, r.priority, r.arn);
          return updated;
        });
        deps.dataPlane.changed();
        return { Rules: rules.map(ruleView) };
      },
    },
  };
}
