import type { Store } from "../../state/store.js";

export interface Ec2Deps {
  readonly store: Store;
  /** The groups' rules changed: the agents' view is sent again (agent-hub/firewall-publisher.ts). */
  readonly changed: () => void;
  /** Whether a task not yet stopped runs with the group (it cannot be deleted then). */
  readonly inUse: (groupId: string) => boolean;
}
