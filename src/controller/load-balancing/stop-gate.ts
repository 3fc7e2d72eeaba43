import { randomUUID } from "node:crypto";
import { deregistrationDelayMs } from "../../domain/load-balancing/defaults.js";
import { eventsKept, type StopGate } from "../services/apply.js";
import { lbMessages } from "./messages.js";

/**
 * The load balancer's stop gate (issue 11): a service task with registered targets is deregistered
 * first (its targets drain: no new requests, requests in flight finish), and is told to stop (the
 * agent sends SIGTERM) only once the data plane has let its targets go, after their requests in
 * flight or at the latest after the target group's deregistration delay. Fixes ECS's 502s on
 * deploys (containers-roadmap#708), where the container is signalled before its target drains.
 */
export function loadBalancerStopGate(opts: { readonly changed: () => void }): StopGate {
  return async (tx, task, nowMs) => {
    const live = (await tx.loadBalancing.targetsOfTask(task.arn)).filter((t) => t.state !== "deregistered");
    if (live.length === 0) return false;
    const registered = live.filter((t) => t.state === "registered");
    if (registered.length === 0) return true;
    const byGroup = new Map<string, number>();
    let latest = 0;
    for (const t of registered) {
      const tg = await tx.loadBalancing.targetGroup(t.targetGroupArn);
      const drainUntilMs = nowMs + (tg ? deregistrationDelayMs(tg.attributes) : 0);
      latest = Math.max(latest, drainUntilMs);
      await tx.loadBalancing.putTarget({ ...t, state: "draining", drainUntilMs });
      byGroup.set(t.targetGroupArn, (byGroup.get(t.targetGroupArn) ?? 0) + 1);
    }
    const service = task.serviceName === undefined ? undefined : await tx.services.get(task.cluster, task.serviceName);
    if (service) {
      const messages = [
        lbMessages.draining(service.name, 1),
        ...[...byGroup].map(([tg, n]) => lbMessages.deregistered(service.name, n, tg)),
        lbMessages.waitingForDrain(service.name, task.id, new Date(latest).toISOString()),
      ];
      await tx.services.addEvents(service.arn, messages.map((message) => ({ id: randomUUID(), createdAtMs: nowMs, message })), eventsKept);
    }
    // The data plane stops sending new requests once it reads this write; tell it to look soon.
    setTimeout(opts.changed, 0);
    return true;
  };
}
