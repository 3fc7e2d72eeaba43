import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { Action, Condition } from "../../domain/load-balancing/types.js";
import type { ReadTx } from "../../state/store.js";
import { optInt, optList, optString, optStrings, optStruct, reqString, validation, type Params } from "./params.js";

/** Actions and rule conditions from their Query members, checked as ELB checks them. */

export function parseActions(p: Params, name: string): Action[] {
  const list = optList(p, name) ?? [];
  if (list.length === 0) throw validation(`${name} must name at least one action.`);
  return list.map(parseAction);
}

function parseAction(a: Params): Action {
  const type = reqString(a, "Type");
  const order = optInt(a, "Order", 1, 50_000);
  if (type === "forward") {
    const fc = optStruct(a, "ForwardConfig");
    const single = optString(a, "TargetGroupArn");
    const groups = (fc && optList(fc, "TargetGroups")) ?? [];
    const targetGroups = groups.map((g) => ({ targetGroupArn: reqString(g, "TargetGroupArn"), weight: optInt(g, "Weight", 0, 999) ?? 1 }));
    if (single !== undefined && !targetGroups.some((g) => g.targetGroupArn === single)) targetGroups.unshift({ targetGroupArn: single, weight: 1 });
    if (targetGroups.length === 0) throw validation("A forward action needs a TargetGroupArn or ForwardConfig.TargetGroups.");
    if (targetGroups.length > 5) throw validation("A forward action can name at most 5 target groups.");
    const sticky = fc && optStruct(fc, "TargetGroupStickinessConfig");
    const stickinessSeconds = sticky && optString(sticky, "Enabled") === "true" ? (optInt(sticky, "DurationSeconds", 1, 604_800) ?? 3600) : undefined;
    return { type, order, targetGroups, stickinessSeconds };
  }
  if (type === "fixed-response") {
    const c = optStruct(a, "FixedResponseConfig");
    if (!c) throw validation("A fixed-response action needs FixedResponseConfig.");
    const statusCode = reqString(c, "StatusCode");
    if (!/^[245]\d\d$/.test(statusCode)) throw validation(`FixedResponseConfig.StatusCode '${excerpt(statusCode, 20)}' must be a 2XX, 4XX or 5XX code.`);
    const messageBody = optString(c, "MessageBody");
    if (messageBody !== undefined && Buffer.byteLength(messageBody) > 1024) throw validation("FixedResponseConfig.MessageBody can be at most 1024 characters.");
    const contentType = optString(c, "ContentType");
    const types = ["text/plain", "text/css", "text/html", "application/javascript", "application/json"];
    if (contentType !== undefined && !types.includes(contentType)) throw validation(`FixedResponseConfig.ContentType must be one of ${types.join(", ")}.`);
    return { type, order, statusCode, contentType, messageBody };
  }
  if (type === "redirect") {
    const c = optStruct(a, "RedirectConfig");
    if (!c) throw validation("A redirect action needs RedirectConfig.");
    const statusCode = reqString(c, "StatusCode");
    if (statusCode !== "HTTP_301" && statusCode !== "HTTP_302") throw validation("RedirectConfig.StatusCode must be HTTP_301 or HTTP_302.");
    return {
      type,
      order,
      statusCode,
      protocol: optString(c, "Protocol") ?? "#{protocol}",
      port: optString(c, "Port") ?? "#{port}",
      host: optString(c, "Host") ?? "#{host}",
      path: optString(c, "Path") ?? "/#{path}",
      query: optString(c, "Query") ?? "#{query}",
    };
  }
  throw validation(`Action type '${excerpt(type, 40)}' is not supported: use forward, fixed-response or redirect.`);
}

/** Every target group an action forwards to must exist, and the actions end with a terminal one. */
export async function checkActionTargets(tx: ReadTx, actions: readonly Action[]): Promise<void> {
  for (const a of actions) {
    if (a.type !== "forward") continue;
    for (const g of a.targetGroups) {
      if (!(await tx.loadBalancing.targetGroup(g.targetGroupArn))) throw new AwsError("TargetGroupNotFound", `Target group '${excerpt(g.targetGroupArn)}' not found`);
    }
  }
}

export function parseConditions(p: Params): Condition[] {
  const list = optList(p, "Conditions") ?? [];
  if (list.length === 0) throw validation("A rule needs at least one condition.");
  return list.map((c): Condition => {
    const field = reqString(c, "Field");
    const values = (key: string): string[] => {
      const config = optStruct(c, key);
      const vs = (config && optStrings(config, "Values")) ?? optStrings(c, "Values") ?? [];
      if (vs.length === 0) throw validation(`Condition '${field}' needs at least one value.`);
      for (const v of vs) if (v.length > 128) throw validation(`Condition value '${excerpt(v, 40)}' is longer than 128 characters.`);
      return vs;
    };
    if (field === "path-pattern") return { field, values: values("PathPatternConfig") };
    if (field === "host-header") return { field, values: values("HostHeaderConfig") };
    if (field === "http-header") {
      const config = optStruct(c, "HttpHeaderConfig");
      if (!config) throw validation("An http-header condition needs HttpHeaderConfig.");
      return { field, headerName: reqString(config, "HttpHeaderName"), values: values("HttpHeaderConfig") };
    }
    if (field === "query-string") {
      const config = optStruct(c, "QueryStringConfig");
      const pairs = (config && optList(config, "Values")) ?? [];
      if (pairs.length === 0) throw validation("A query-string condition needs QueryStringConfig.Values.");
      return { field, values: pairs.map((kv) => ({ key: optString(kv, "Key"), value: reqString(kv, "Value") })) };
    }
    throw validation(`Condition field '${excerpt(field, 40)}' is not supported: use path-pattern, host-header, http-header or query-string.`);
  });
}
