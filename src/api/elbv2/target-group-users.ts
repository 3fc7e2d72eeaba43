import { serviceTargetGroups } from "../../domain/service-target-groups.js";
import type { ReadTx } from "../../state/store.js";

/** What keeps a target group from being deleted: listeners and rules forwarding to it, and ECS services registering into it. */
export async function targetGroupUsers(tx: ReadTx, targetGroupArn: string): Promise<string[]> {
  const users: string[] = [];
  const forwards = (actions: readonly { type: string; targetGroups?: readonly { targetGroupArn: string }[] }[]) =>
    actions.some((a) => a.type === "forward" && (a.targetGroups ?? []).some((g) => g.targetGroupArn === targetGroupArn));
  for (const l of await tx.loadBalancing.listeners()) {
    if (forwards(l.defaultActions)) users.push(`listener '${l.arn}'`);
    for (const r of await tx.loadBalancing.rules(l.arn)) if (forwards(r.actions)) users.push(`rule '${r.arn}'`);
  }
  let after: string | undefined;
  do {
    const clusters = await tx.clusters.list({ limit: 100, after });
    for (const c of clusters.items) {
      let cursor: string | undefined;
      do {
        const page = await tx.services.list(c.name, { limit: 100, after: cursor });
        for (const s of page.items) {
          if (s.status !== "INACTIVE" && serviceTargetGroups(s).includes(targetGroupArn)) users.push(`service '${s.arn}'`);
        }
        cursor = page.nextAfter;
      } while (cursor);
    }
    after = clusters.nextAfter;
  } while (after);
  return users;
}
