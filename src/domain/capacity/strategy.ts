import type { CapacityProviderStrategyItem } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { checkCapacityProviderStrategy } from "../service-limits.js";
import { isFargateProvider } from "./capacity-provider.js";

/**
 * A capacity provider strategy as ECS applies it: `base` tasks first go to the one provider that
 * sets a base, then the rest are shared by `weight` (a provider of weight 0 gets none of the rest).
 * Pure: the counts of tasks already running per provider come in, the split of new ones goes out.
 */
export interface StrategyItem {
  readonly provider: string;
  readonly base: number;
  readonly weight: number;
}

/**
 * The strategy's items, checked as ECS checks them: the model's ranges and at most 20 items
 * (`checkCapacityProviderStrategy`), each provider once, a base on one provider only, a weight
 * above 0 on at least one, and Fargate's providers not mixed with Auto Scaling group ones.
 */
export function checkStrategy(items: readonly CapacityProviderStrategyItem[]): StrategyItem[] {
  const named = items.map((i) => ({ ...i, capacityProvider: providerName(i.capacityProvider ?? "") }));
  checkCapacityProviderStrategy(named);
  const strategy = named.map((i) => ({ provider: i.capacityProvider, base: i.base ?? 0, weight: i.weight ?? 0 }));
  const seen = new Set<string>();
  for (const { provider } of strategy) {
    if (seen.has(provider)) throw invalidParameter(`The capacity provider strategy names capacity provider '${excerpt(provider)}' more than once. Name each capacity provider once.`);
    seen.add(provider);
  }
  if (strategy.length === 0) return strategy;
  if (strategy.filter((i) => i.base > 0).length > 1) {
    throw invalidParameter("Only one capacity provider in a capacity provider strategy can have a base defined. Set base on one capacity provider and try again.");
  }
  if (!strategy.some((i) => i.weight > 0)) {
    throw invalidParameter("A capacity provider strategy must have at least one capacity provider with a weight greater than zero. Specify a weight and try again.");
  }
  const fargate = strategy.filter((i) => isFargateProvider(i.provider)).length;
  if (fargate > 0 && fargate < strategy.length) {
    throw invalidParameter("A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.");
  }
  return strategy;
}

/** A strategy item may name its provider by ARN (`…:capacity-provider/<name>`); the name is kept. */
export function providerName(ref: string): string {
  const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d*:capacity-provider\/(.+)$/.exec(ref);
  return m ? m[1]! : ref;
}

/**
 * Which providers `count` new tasks go to, given how many each provider already runs: base first,
 * then each task to the provider furthest below its weighted share (on a tie, the heavier weight,
 * then the first listed).
 * Returns a count per provider, in the strategy's order, providers given none left out.
 */
export function splitByStrategy(strategy: readonly StrategyItem[], count: number, running: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  const counts = new Map(strategy.map((i) => [i.provider, running.get(i.provider) ?? 0]));
  const added = new Map<string, number>();
  const weighted = strategy.filter((i) => i.weight > 0);
  for (let n = 0; n < count; n++) {
    const pick = strategy.find((i) => i.base > (counts.get(i.provider) ?? 0)) ?? mostBehind(weighted, counts);
    if (!pick) break;
    counts.set(pick.provider, (counts.get(pick.provider) ?? 0) + 1);
    added.set(pick.provider, (added.get(pick.provider) ?? 0) + 1);
  }
  return new Map(strategy.filter((i) => added.has(i.provider)).map((i) => [i.provider, added.get(i.provider)!]));
}

/** The weighted provider whose tasks beyond its base are fewest for its weight (the next one a share owes a task). */
function mostBehind(weighted: readonly StrategyItem[], counts: ReadonlyMap<string, number>): StrategyItem | undefined {
  let best: StrategyItem | undefined;
  let bestScore = Infinity;
  for (const i of weighted) {
    // (tasks beyond base + 1) / weight: the share's position after one more task; lowest goes next.
    const score = (Math.max(0, (counts.get(i.provider) ?? 0) - i.base) + 1) / i.weight;
    if (score < bestScore || (score === bestScore && best !== undefined && i.weight > best.weight)) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}
