import type { Logger } from "pino";
import type { ServerMessage } from "../agent-protocol/messages.js";
import type { Partition } from "../domain/arn.js";
import { firewallView, isIpv4, type GroupMember } from "../domain/security-groups/firewall-view.js";
import { defaultGroup, defaultGroupName, newGroupId } from "../domain/security-groups/security-group.js";
import type { TaskRecord } from "../domain/task.js";
import { allContainerInstances } from "../state/scan.js";
import type { Store } from "../state/store.js";

/** A task that runs with security groups: its address once the agent reported one. */
interface Membership {
  readonly groups: readonly string[];
  readonly ip?: string | undefined;
}

export interface FirewallPublisherOptions {
  readonly store: Store;
  readonly partition: Partition;
  readonly logger: Logger;
  /** Sends a message to every connected agent (AgentHub.broadcast). */
  readonly broadcast: (msg: ServerMessage) => void;
  readonly now: () => number;
}

/**
 * Keeps the agents' view of security groups (domain/security-groups/firewall-view.ts) current:
 * which tasks run with which groups and at what address (followed from the store's change log),
 * and the groups' rules (read afresh when the EC2 API changes them: `groupsChanged`). Every change
 * sends the whole view to every agent, coalesced to one message per turn of the event loop; a
 * connecting agent gets it after its manifest (`current`).
 */
export class FirewallPublisher {
  private readonly members = new Map<string, Membership>();
  private message: ServerMessage = { type: "firewall", view: { groups: [], members: [] } };
  private unsubscribe?: () => void;
  private pending = false;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: FirewallPublisherOptions) {}

  /** Makes the default group unless there is one, reads the members from the store, then follows the change log. */
  async start(): Promise<void> {
    await this.opts.store.write(async (tx) => {
      if (!(await tx.securityGroups.byName(defaultGroupName))) await tx.securityGroups.put(defaultGroup(this.opts.partition, newGroupId(), this.opts.now()));
    });
    // Load, then follow from a revision the load already covers: a change committed meanwhile comes
    // again (read back as it is now), and never does the load overwrite a newer change.
    const from = await this.opts.store.changes.head();
    for await (const instance of allContainerInstances(this.opts.store)) {
      for (const t of await this.opts.store.read((tx) => tx.tasks.holdingResources(instance.arn))) this.track(t);
    }
    this.unsubscribe = this.opts.store.changes.subscribe(
      (c) => {
        if (c.kind === "task" && this.track(c.record)) this.groupsChanged();
      },
      { from, onError: (err) => this.opts.logger.error({ err }, "firewall: a task change could not be followed") },
    );
    await this.refresh();
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** What a connecting agent is sent after its manifest. */
  current(): ServerMessage {
    return this.message;
  }

  /** Whether a task runs with the group (a group in use cannot be deleted). */
  inUse(groupId: string): boolean {
    for (const m of this.members.values()) if (m.groups.includes(groupId)) return true;
    return false;
  }

  /** Reads the groups again and sends the view, once for any number of calls in one turn. */
  groupsChanged(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.refreshing = this.refreshing.then(() => this.refresh()).catch((err: unknown) => this.opts.logger.error({ err }, "firewall: could not send the security groups to the agents"));
    });
  }

  /** Follows one task; true when the view's members changed. */
  private track(t: TaskRecord): boolean {
    const groups = t.spec.awsvpc?.securityGroups;
    const before = this.members.get(t.arn);
    if (groups === undefined || t.lastStatus === "STOPPED") return this.members.delete(t.arn) && before?.ip !== undefined;
    // The address is the agent's report: one that is no IPv4 address is no member (every agent would refuse the view).
    const reported = t.known?.eni?.privateIPv4Address;
    const ip = reported !== undefined && isIpv4(reported) ? reported : undefined;
    this.members.set(t.arn, { groups, ip });
    return before?.ip !== ip;
  }

  private async refresh(): Promise<void> {
    const groups = await this.opts.store.read((tx) => tx.securityGroups.list());
    const members: GroupMember[] = [];
    for (const m of this.members.values()) if (m.ip !== undefined) members.push({ ip: m.ip, groups: m.groups });
    this.message = { type: "firewall", view: firewallView(groups, members) };
    this.opts.broadcast(this.message);
  }
}
