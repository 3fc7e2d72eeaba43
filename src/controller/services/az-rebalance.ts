import { rebalancingCompatible } from "../../domain/az-rebalancing.js";
import { isLost } from "../lost-instances/lost-tasks.js";
import { serviceMessages, stopReasons } from "./messages.js";
import { replicaBounds } from "./replica.js";
import type { Working } from "./working.js";

/** Zone names Berth places by (the cluster query language's bare values). */
const placeableZone = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Availability Zone rebalancing (`availabilityZoneRebalancing` ENABLED, ECS's default for new
 * services since 2025): a settled service (one COMPLETED deployment, its desired count running and
 * healthy, nothing else planned) whose tasks differ by more than one between the zones that have
 * capacity (ACTIVE instances whose agent is there) gets one more task in the zone with the fewest,
 * within maximumPercent; the replica rule then stops a task in the zone with the most once the new one
 * is healthy (its scale-in order takes zones first). With no room above the desired count, a task in
 * the zone with the most is stopped first, if minimumHealthyPercent allows, and its replacement is
 * placed by the service's spread. One task at a time, until balanced; events in ECS's words.
 */
export function azRebalance(w: Working): void {
  const s = w.service;
  const primary = w.primary;
  if (s.availabilityZoneRebalancing !== "ENABLED" || s.status !== "ACTIVE" || !rebalancingCompatible(s) || primary === undefined) return;
  const settled = w.deployments.length === 1 && primary.rolloutState === "COMPLETED" && w.starts.length + w.stops.length + w.lost.length === 0;
  const tasks = w.wanted();
  if (!settled || tasks.length !== s.desiredCount || !tasks.every((t) => w.healthy(t))) return;

  const counts = new Map<string, number>();
  for (const i of w.instances.values()) {
    if (i.status === "ACTIVE" && i.agentConnected && !isLost(i, w.nowMs, w.input.settings) && i.zone !== undefined && placeableZone.test(i.zone)) counts.set(i.zone, 0);
  }
  for (const t of tasks) {
    const zone = w.instances.get(t.containerInstanceArn)?.zone;
    if (zone !== undefined && counts.has(zone)) counts.set(zone, counts.get(zone)! + 1);
  }
  const byCount = [...counts].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  const fewest = byCount[0];
  const most = byCount.at(-1);
  if (fewest === undefined || most === undefined || byCount.length < 2 || most[1] - fewest[1] <= 1) {
    if (s.rebalancing === true) {
      w.service = { ...w.service, rebalancing: undefined };
      if (byCount.length >= 2) w.event(serviceMessages.azBalanced(w.name, byCount));
    }
    return;
  }
  if (s.rebalancing !== true) {
    w.service = { ...w.service, rebalancing: true };
    w.event(serviceMessages.azImbalanced(w.name, byCount));
  }
  const { minimumHealthyPercent, maximumPercent } = s.deploymentConfiguration;
  const { maxAlive, minHealthy } = replicaBounds(s.desiredCount, minimumHealthyPercent, maximumPercent);
  if (w.alive().length < maxAlive) {
    w.starts.push({ deploymentId: primary.id, taskDefinitionArn: primary.taskDefinitionArn, count: 1, zone: fewest[0] });
    return;
  }
  const victim = tasks.filter((t) => w.instances.get(t.containerInstanceArn)?.zone === most[0]).sort((a, b) => b.createdAtMs - a.createdAtMs)[0];
  if (victim !== undefined && tasks.length - 1 >= minHealthy) {
    w.stop(victim, stopReasons.azRebalancing, true);
    w.event(serviceMessages.stopped(w.name, [victim.id]));
  }
}
