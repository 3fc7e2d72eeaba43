import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aTask } from "../../state/store-builders.js";
import type { TaskRecord } from "../../domain/task.js";
import { containerInterfaces, eniAttachment, networkInterfaceId } from "./eni-attachment.js";

const awsvpcTask = (o: { lastStatus: TaskRecord["lastStatus"]; eni?: boolean }): TaskRecord => {
  const t = aTask("t1", { lastStatus: o.lastStatus });
  return {
    ...t,
    spec: { ...t.spec, networkMode: "awsvpc", awsvpc: { attachmentId: "att-1", subnet: "subnet-a", securityGroups: [], assignPublicIp: "DISABLED" } },
    ...(o.eni && { known: { taskArn: t.arn, status: "RUNNING", containers: [], eni: { privateIPv4Address: "172.20.0.2", macAddress: "02:42:ac:14:00:02" } } }),
  };
};

describe("DescribeTasks: the ElasticNetworkInterface attachment", () => {
  it("is PRECREATED with only its subnet until the agent reports an address", () => {
    assert.deepEqual(eniAttachment(awsvpcTask({ lastStatus: "PROVISIONING" })), {
      id: "att-1",
      type: "ElasticNetworkInterface",
      status: "PRECREATED",
      details: [{ name: "subnetId", value: "subnet-a" }],
    });
    assert.deepEqual(containerInterfaces(awsvpcTask({ lastStatus: "PROVISIONING" })), []);
  });

  it("is ATTACHED with the interface id, MAC and address once reported; each container shows the address", () => {
    const t = awsvpcTask({ lastStatus: "RUNNING", eni: true });
    const a = eniAttachment(t)!;
    assert.equal(a.status, "ATTACHED");
    assert.deepEqual(Object.fromEntries(a.details!.map((d) => [d.name, d.value])), {
      subnetId: "subnet-a",
      networkInterfaceId: networkInterfaceId("att-1"),
      macAddress: "02:42:ac:14:00:02",
      privateDnsName: "ip-172-20-0-2.ec2.internal",
      privateIPv4Address: "172.20.0.2",
    });
    assert.match(networkInterfaceId("att-1"), /^eni-[0-9a-f]{17}$/);
    assert.deepEqual(containerInterfaces(t), [{ attachmentId: "att-1", privateIpv4Address: "172.20.0.2" }]);
  });

  it("is DELETED once the task stopped; a task that is not awsvpc has none", () => {
    assert.equal(eniAttachment(awsvpcTask({ lastStatus: "STOPPED", eni: true }))?.status, "DELETED");
    assert.equal(eniAttachment(aTask("t2", {})), undefined);
  });
});
