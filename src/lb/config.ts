import { isIP } from "node:net";
import type { Action, ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord, TargetRecord } from "../domain/load-balancing/types.js";
import { targetKey } from "../domain/load-balancing/types.js";
import { hostIpAttribute } from "../scheduler/types.js";
import { allContainerInstances } from "../state/scan.js";
import type { Store } from "../state/store.js";

/** A target as the data plane uses it: where to connect. */
export interface LiveTarget {
  readonly key: string;
  readonly record: TargetRecord;
  /** The address to connect to: the IP itself, or the host address of the instance the id names. */
  readonly address: string;
}

export interface LiveGroup {
  readonly record: TargetGroupRecord;
  /** Registered and draining targets (tombstones left out). */
  readonly targets: readonly LiveTarget[];
  /** Whether a listener forwards to it. */
  readonly inUse: boolean;
}

export interface LiveListener {
  readonly record: ListenerRecord;
  readonly loadBalancer: LoadBalancerRecord;
  readonly rules: readonly RuleRecord[];
}

/** A listener's actions: its default actions and its rules'. */
export const actionsOf = (l: LiveListener): Action[] => [...l.record.defaultActions, ...l.rules.flatMap((r) => r.actions)];

/** The data plane's whole configuration, read from the store in one go. */
export interface LbConfig {
  readonly listeners: readonly LiveListener[];
  readonly groups: ReadonlyMap<string, LiveGroup>;
}

/**
 * Reads the configuration. Instance targets are named by their EC2 instance id (as ECS registers
 * them) and reached at the address their agent publishes host ports on (`berth.host-ip`; 0.0.0.0
 * or unset is this machine, 127.0.0.1).
 */
export async function loadConfig(store: Store): Promise<LbConfig> {
  const { listeners, groups } = await store.read(async (tx) => {
    const lbs = new Map((await tx.loadBalancing.loadBalancers()).map((lb) => [lb.arn, lb]));
    const listeners: LiveListener[] = [];
    for (const l of await tx.loadBalancing.listeners()) {
      const lb = lbs.get(l.loadBalancerArn);
      if (lb) listeners.push({ record: l, loadBalancer: lb, rules: await tx.loadBalancing.rules(l.arn) });
    }
    const groups: { record: TargetGroupRecord; targets: TargetRecord[] }[] = [];
    for (const tg of await tx.loadBalancing.targetGroups()) groups.push({ record: tg, targets: await tx.loadBalancing.targets(tg.arn) });
    return { listeners, groups };
  });
  const used = new Set(listeners.flatMap((l) => actionsOf(l).flatMap((a) => (a.type === "forward" ? a.targetGroups.map((g) => g.targetGroupArn) : []))));
  const needsInstances = groups.some((g) => g.targets.some((t) => isIP(t.id) === 0));
  const addresses = needsInstances ? await instanceAddresses(store) : new Map<string, string>();
  return {
    listeners,
    groups: new Map(
      groups.map((g) => [
        g.record.arn,
        {
          record: g.record,
          inUse: used.has(g.record.arn),
          targets: g.targets
            .filter((t) => t.state !== "deregistered")
            .map((t) => ({ key: targetKey(t), record: t, address: isIP(t.id) !== 0 ? t.id : (addresses.get(t.id) ?? t.id) })),
        },
      ]),
    ),
  };
}

async function instanceAddresses(store: Store): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const ci of allContainerInstances(store)) {
    const ip = ci.attributes.find((a) => a.name === hostIpAttribute)?.value;
    out.set(ci.ec2InstanceId, ip === undefined || ip === "0.0.0.0" || ip === "::" ? "127.0.0.1" : ip);
  }
  return out;
}
