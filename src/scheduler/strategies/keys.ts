import type { PlacementStrategy } from "../types.js";
import { InvalidPlacementRequest } from "../invalid-request.js";

/**
 * Strategies become sort keys: for every candidate each key yields a number, smaller is better,
 * and candidates are compared key by key (so a later strategy only breaks the earlier one's ties).
 * After the last key, a seeded hash breaks the remaining ties (see random.ts).
 *
 * - binpack(cpu|memory): the remaining amount; the tightest instance that still fits wins.
 * - spread(instanceId|host): the group's tasks on the instance.
 * - spread(attribute:X): the group's tasks on all instances sharing the candidate's value of X,
 *   counted over the whole cluster (not only over candidates). Instances without X share one bucket.
 * - random: the seeded hash; nothing after it can matter.
 */
export type StrategyKey =
  | { readonly kind: "binpack"; readonly field: "cpu" | "memory" }
  | { readonly kind: "spreadInstance" }
  | { readonly kind: "spreadAttribute"; readonly attribute: string }
  | { readonly kind: "random" };

/** At most five strategies, as ECS allows. */
export const maxStrategies = 5;

export function compileStrategies(strategies: readonly PlacementStrategy[]): StrategyKey[] {
  if (strategies.length > maxStrategies) throw new InvalidPlacementRequest(`at most ${maxStrategies} placement strategies are allowed`);
  return strategies.map((s): StrategyKey => {
    switch (s.type) {
      case "binpack":
        if (s.field !== "cpu" && s.field !== "memory") throw new InvalidPlacementRequest(`binpack field must be cpu or memory, not '${String(s.field)}'`);
        return { kind: "binpack", field: s.field };
      case "random":
        return { kind: "random" };
      case "spread":
        return spreadKey(s.field);
    }
  });
}

function spreadKey(field: string): StrategyKey {
  if (field === "instanceId" || field === "host") return { kind: "spreadInstance" };
  if (field.startsWith("attribute:") && field.length > "attribute:".length) return { kind: "spreadAttribute", attribute: field.slice("attribute:".length) };
  throw new InvalidPlacementRequest(`spread field must be instanceId, host or attribute:<name>, not '${field}'`);
}
