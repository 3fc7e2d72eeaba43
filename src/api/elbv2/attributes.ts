import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { optList, reqString, validation, type Params } from "./params.js";

/** Load balancer and target group attributes: `Attributes.member.N.Key/Value`. */

export type AttributeRule = { readonly min: number; readonly max: number } | "boolean" | readonly string[] | RegExp;

export function attributesOf(p: Params): Map<string, string> {
  const list = optList(p, "Attributes") ?? [];
  if (list.length === 0) throw validation("Attributes must name at least one attribute.");
  return new Map(list.map((a) => [reqString(a, "Key"), typeof a.Value === "string" ? a.Value : ""]));
}

/** The changes, each checked against its rule; an unknown key is InvalidConfigurationRequest, as ELB answers. */
export function checkAttributes(changes: ReadonlyMap<string, string>, rules: Readonly<Record<string, AttributeRule>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of changes) {
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (rule === undefined) throw new AwsError("InvalidConfigurationRequest", `Attribute key '${excerpt(key, 80)}' is not recognized`);
    const bad = (): never => {
      throw new AwsError("InvalidConfigurationRequest", `The value of '${key}' is not valid: '${excerpt(value, 40)}'`);
    };
    if (rule === "boolean") {
      if (value !== "true" && value !== "false") bad();
    } else if (Array.isArray(rule)) {
      if (!rule.includes(value)) bad();
    } else if (rule instanceof RegExp) {
      if (!rule.test(value)) bad();
    } else if ("min" in rule) {
      if (!/^\d{1,7}$/.test(value) || Number(value) < rule.min || Number(value) > rule.max) bad();
    }
    out[key] = value;
  }
  return out;
}

export const attributesView = (attributes: Readonly<Record<string, string>>): { Key: string; Value: string }[] =>
  Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));
