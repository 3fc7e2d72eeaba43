import { createHash } from "node:crypto";
import type { Attachment, NetworkInterface } from "@aws-sdk/client-ecs";
import type { TaskRecord } from "../../domain/task.js";

/**
 * An awsvpc task's ElasticNetworkInterface attachment as DescribeTasks shows it. Berth's interface
 * is the task's own network namespace on its subnet's Docker network; the address and MAC are what
 * the agent reported from Docker. Status as ECS moves it: PRECREATED until the agent reports an
 * address, ATTACHED while the task has it, DELETED once the task stopped.
 */
export function eniAttachment(t: TaskRecord): Attachment | undefined {
  const awsvpc = t.spec.awsvpc;
  if (awsvpc === undefined) return undefined;
  const eni = t.known?.eni;
  const status = t.lastStatus === "STOPPED" ? "DELETED" : eni === undefined ? "PRECREATED" : "ATTACHED";
  const details = [
    { name: "subnetId", value: awsvpc.subnet },
    ...(eni === undefined
      ? []
      : [
          { name: "networkInterfaceId", value: networkInterfaceId(awsvpc.attachmentId) },
          { name: "macAddress", value: eni.macAddress },
          { name: "privateDnsName", value: `ip-${eni.privateIPv4Address.replaceAll(".", "-")}.ec2.internal` },
          { name: "privateIPv4Address", value: eni.privateIPv4Address },
        ]),
  ];
  return { id: awsvpc.attachmentId, type: "ElasticNetworkInterface", status, details };
}

/** Each container's view of the interface (`containers[].networkInterfaces`). */
export function containerInterfaces(t: TaskRecord): NetworkInterface[] {
  const eni = t.known?.eni;
  if (t.spec.awsvpc === undefined || eni === undefined) return [];
  return [{ attachmentId: t.spec.awsvpc.attachmentId, privateIpv4Address: eni.privateIPv4Address }];
}

/** `eni-` and 17 hex digits, stable for the attachment. */
export const networkInterfaceId = (attachmentId: string): string => `eni-${createHash("sha256").update(attachmentId).digest("hex").slice(0, 17)}`;
