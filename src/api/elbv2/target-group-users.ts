import type { ReadTx } from "../../state/store.js";

/** What keeps a target group from being deleted: listeners and rules forwarding to it, and services registering into it. */
export async function targetGroupUsers(tx: ReadTx, targetGroupArn: string): Promise<string[]> {
  const users: string[] = [];
  for (const l of await tx.loadBalancing.listeners()) {
    const forwards = (actions: readonly { type: string; targetGroups?: readonly { targetGroupArn: string }[] }[]) =>
      actions.some((a) => a.type === "forward" && (a.targetGroups ?? []).some((g) => g.targetGroupArn === targetGroupArn));
    if (forwards(l.defaultActions)) users.push(`listener '${l.arn}'`);
    for (const r of await tx.loadBalancing.rules(l.arn)) if (forwards(r.actions)) users.push(`rule '${r.arn}'`);
  }
  return users;
}
