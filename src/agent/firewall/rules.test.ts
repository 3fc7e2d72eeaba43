import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { FirewallView } from "../../domain/security-groups/firewall-view.js";
import { chainRules } from "./rules.js";

const established = ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"];
const view = (over: Partial<FirewallView> = {}): FirewallView => ({ groups: [], members: [], ...over });

describe("chainRules: security groups and task addresses → the agent's iptables chain", () => {
  const cases: { name: string; view: FirewallView; tasks: { ip: string; groups: string[] }[]; want: string[][] }[] = [
    { name: "no task, no chain", view: view({ groups: [{ groupId: "sg-a", ingress: [{ protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0" }] }] }), tasks: [], want: [] },
    { name: "a group without rules: the task is dropped", view: view({ groups: [{ groupId: "sg-a", ingress: [] }] }), tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }], want: [established, ["-d", "10.0.0.2/32", "-j", "DROP"]] },
    { name: "a group the view does not know allows nothing", view: view(), tasks: [{ ip: "10.0.0.2", groups: ["sg-gone"] }], want: [established, ["-d", "10.0.0.2/32", "-j", "DROP"]] },
    {
      name: "a CIDR and a port",
      view: view({ groups: [{ groupId: "sg-a", ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidr: "172.18.0.0/16" }] }] }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }],
      want: [established, ["-d", "10.0.0.2/32", "-s", "172.18.0.0/16", "-p", "tcp", "--dport", "80", "-j", "RETURN"], ["-d", "10.0.0.2/32", "-j", "DROP"]],
    },
    {
      name: "anywhere, a port range, udp, all ports, every protocol, icmp",
      view: view({
        groups: [
          {
            groupId: "sg-a",
            ingress: [
              { protocol: "tcp", fromPort: 8000, toPort: 8080, cidr: "0.0.0.0/0" },
              { protocol: "udp", fromPort: 0, toPort: 65535, cidr: "10.1.0.0/24" },
              { protocol: "icmp", fromPort: 8, toPort: -1, cidr: "0.0.0.0/0" },
              { protocol: "-1", fromPort: -1, toPort: -1, cidr: "10.2.0.1/32" },
            ],
          },
        ],
      }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }],
      want: [
        established,
        ["-d", "10.0.0.2/32", "-p", "tcp", "--dport", "8000:8080", "-j", "RETURN"],
        ["-d", "10.0.0.2/32", "-s", "10.1.0.0/24", "-p", "udp", "-j", "RETURN"],
        ["-d", "10.0.0.2/32", "-p", "icmp", "--icmp-type", "8", "-j", "RETURN"],
        ["-d", "10.0.0.2/32", "-s", "10.2.0.1/32", "-j", "RETURN"],
        ["-d", "10.0.0.2/32", "-j", "DROP"],
      ],
    },
    {
      name: "a source group: its members' addresses, the task itself among them (the default group)",
      view: view({
        groups: [{ groupId: "sg-d", ingress: [{ protocol: "-1", fromPort: -1, toPort: -1, groupId: "sg-d" }] }],
        members: [{ groupId: "sg-d", ips: ["10.0.0.2", "10.0.0.3"] }],
      }),
      tasks: [{ ip: "10.0.0.3", groups: ["sg-d"] }, { ip: "10.0.0.2", groups: ["sg-d"] }],
      want: [
        established,
        ["-d", "10.0.0.2/32", "-s", "10.0.0.2/32", "-j", "RETURN"],
        ["-d", "10.0.0.2/32", "-s", "10.0.0.3/32", "-j", "RETURN"],
        ["-d", "10.0.0.2/32", "-j", "DROP"],
        ["-d", "10.0.0.3/32", "-s", "10.0.0.2/32", "-j", "RETURN"],
        ["-d", "10.0.0.3/32", "-s", "10.0.0.3/32", "-j", "RETURN"],
        ["-d", "10.0.0.3/32", "-j", "DROP"],
      ],
    },
    {
      name: "a source group with no members allows nothing; two groups allowing the same thing give one rule",
      view: view({
        groups: [
          { groupId: "sg-a", ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, groupId: "sg-empty" }, { protocol: "tcp", fromPort: 80, toPort: 80, cidr: "10.9.0.0/16" }] },
          { groupId: "sg-b", ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidr: "10.9.0.0/16" }] },
        ],
      }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-b", "sg-a"] }],
      want: [established, ["-d", "10.0.0.2/32", "-s", "10.9.0.0/16", "-p", "tcp", "--dport", "80", "-j", "RETURN"], ["-d", "10.0.0.2/32", "-j", "DROP"]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(chainRules(c.view, c.tasks), c.want));
  }

  it("is the same for the same input in any order", () => {
    const v = view({ groups: [{ groupId: "sg-a", ingress: [{ protocol: "tcp", fromPort: 1, toPort: 2, groupId: "sg-a" }] }], members: [{ groupId: "sg-a", ips: ["10.0.0.4", "10.0.0.5"] }] });
    const tasks = [{ ip: "10.0.0.5", groups: ["sg-a"] }, { ip: "10.0.0.4", groups: ["sg-a", "sg-a"] }];
    assert.deepEqual(chainRules(v, tasks), chainRules(v, [...tasks].reverse()));
  });
});
