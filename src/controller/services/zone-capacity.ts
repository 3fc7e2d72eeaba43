import type { ContainerInstanceRecord } from "../../domain/container-instance.js";
import { zoneAttribute } from "../../scheduler/types.js";

/**
 * Which Availability Zones of each cluster have capacity (an ACTIVE instance whose agent is
 * connected), followed from the change log, so that the service runner can wake a cluster's
 * services when a zone gains capacity again (AZ rebalancing, az-rebalance.ts) without waking them on
 * every instance change: 5,000 agents reconnecting touch a handful of zones.
 */
export class ZoneCapacity {
  /** Cluster → zone → the instances there with capacity. */
  private readonly zones = new Map<string, Map<string, Set<string>>>();
  /** Instance → the zone it was counted in. */
  private readonly counted = new Map<string, string>();

  /** Follows one instance's change; true when its zone had no capacity before and has now. */
  update(i: Pick<ContainerInstanceRecord, "arn" | "cluster" | "status" | "agentConnected" | "attributes">): boolean {
    const before = this.counted.get(i.arn);
    if (before !== undefined) {
      this.zones.get(i.cluster)?.get(before)?.delete(i.arn);
      this.counted.delete(i.arn);
    }
    const zone = i.attributes.find((a) => a.name === zoneAttribute)?.value;
    if (zone === undefined || zone === null || i.status !== "ACTIVE" || !i.agentConnected) return false;
    let byZone = this.zones.get(i.cluster);
    if (!byZone) this.zones.set(i.cluster, (byZone = new Map<string, Set<string>>()));
    let members = byZone.get(zone);
    if (!members) byZone.set(zone, (members = new Set<string>()));
    const opened = members.size === 0;
    members.add(i.arn);
    this.counted.set(i.arn, zone);
    return opened;
  }
}
