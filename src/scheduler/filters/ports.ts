import type { Check, InstanceView } from "../instance-view.js";
import { FailureReason } from "../reasons.js";

/**
 * Static host ports: every port the task binds must be free on the instance, counting the agent's
 * reserved ports (22, 2375, 2376, 51678, 51679 by default) and ports of the instance's other
 * non-stopped tasks. TCP and UDP are separate namespaces with separate reasons, as in ECS.
 * Dynamic ports (hostPort 0) are the agent's business and are not checked.
 */
export const tcpPortsCheck = (ports: readonly number[]): Check => portsCheck(ports, FailureReason.ports, "TCP", (v, p) => v.tcpPortUsed(p));

export const udpPortsCheck = (ports: readonly number[]): Check =>
  portsCheck(ports, FailureReason.portsUdp, "UDP", (v, p) => v.udpPortUsed(p));

function portsCheck(
  ports: readonly number[],
  reason: typeof FailureReason.ports | typeof FailureReason.portsUdp,
  protocol: string,
  used: (v: InstanceView, port: number) => boolean,
): Check {
  return {
    reason,
    passes: (v) => ports.every((p) => !used(v, p)),
    detail: (v) => `${protocol} host ports in use: ${ports.filter((p) => used(v, p)).join(", ")}`,
  };
}
