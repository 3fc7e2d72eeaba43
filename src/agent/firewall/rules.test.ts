import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { FirewallView, GroupRule } from "../../domain/security-groups/firewall-view.js";
import { dnsDestinations } from "./dns-upstreams.js";
import { chainRules, type OpenDestination } from "./rules.js";

const established = ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"];
const view = (over: Partial<FirewallView> = {}): FirewallView => ({ groups: [], members: [], ...over });
/** EC2's default egress rule: every protocol to anywhere. */
const allOut: GroupRule = { protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0" };
/** A group with these ingress rules and, unless given, EC2's default egress. */
const group = (groupId: string, ingress: GroupRule[], egress: GroupRule[] = [allOut]): FirewallView["groups"][number] => ({ groupId, ingress, egress });

describe("chainRules: security groups and task addresses → the agent's iptables chain", () => {
  const cases: { name: string; view: FirewallView; tasks: { ip: string; groups: string[] }[]; want: string[][] }[] = [
    { name: "no task, no chain", view: view({ groups: [group("sg-a", [{ protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0" }])] }), tasks: [], want: [] },
    { name: "a group without rules: the task is dropped", view: view({ groups: [group("sg-a", [])] }), tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }], want: [established, ["-d", "10.0.0.2/32", "-j", "DROP"]] },
    {
      name: "a group the view does not know allows nothing, in or out",
      view: view(),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-gone"] }],
      want: [established, ["-d", "10.0.0.2/32", "-j", "DROP"], ["-s", "10.0.0.2/32", "-j", "DROP"]],
    },
    {
      name: "a CIDR and a port",
      view: view({ groups: [group("sg-a", [{ protocol: "tcp", fromPort: 80, toPort: 80, cidr: "172.18.0.0/16" }])] }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }],
      want: [established, ["-d", "10.0.0.2/32", "-s", "172.18.0.0/16", "-p", "tcp", "--dport", "80", "-j", "RETURN"], ["-d", "10.0.0.2/32", "-j", "DROP"]],
    },
    {
      name: "anywhere, a port range, udp, all ports, every protocol, icmp",
      view: view({
        groups: [
          group("sg-a", [
            { protocol: "tcp", fromPort: 8000, toPort: 8080, cidr: "0.0.0.0/0" },
            { protocol: "udp", fromPort: 0, toPort: 65535, cidr: "10.1.0.0/24" },
            { protocol: "icmp", fromPort: 8, toPort: -1, cidr: "0.0.0.0/0" },
            { protocol: "-1", fromPort: -1, toPort: -1, cidr: "10.2.0.1/32" },
          ]),
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
        groups: [group("sg-d", [{ protocol: "-1", fromPort: -1, toPort: -1, groupId: "sg-d" }])],
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
          group("sg-a", [{ protocol: "tcp", fromPort: 80, toPort: 80, groupId: "sg-empty" }, { protocol: "tcp", fromPort: 80, toPort: 80, cidr: "10.9.0.0/16" }]),
          group("sg-b", [{ protocol: "tcp", fromPort: 80, toPort: 80, cidr: "10.9.0.0/16" }]),
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
    const v = view({ groups: [group("sg-a", [{ protocol: "tcp", fromPort: 1, toPort: 2, groupId: "sg-a" }])], members: [{ groupId: "sg-a", ips: ["10.0.0.4", "10.0.0.5"] }] });
    const tasks = [{ ip: "10.0.0.5", groups: ["sg-a"] }, { ip: "10.0.0.4", groups: ["sg-a", "sg-a"] }];
    assert.deepEqual(chainRules(v, tasks), chainRules(v, [...tasks].reverse()));
  });
});

describe("chainRules: egress, what a task's connections may reach", () => {
  const endpoints: OpenDestination[] = [
    { ip: "172.17.0.1", protocol: "tcp", port: 51679 },
    { ip: "169.254.170.2", protocol: "tcp", port: 80 },
  ];
  const toEndpoints = (ip: string): string[][] => [
    ["-s", `${ip}/32`, "-d", "172.17.0.1/32", "-p", "tcp", "--dport", "51679", "-j", "RETURN"],
    ["-s", `${ip}/32`, "-d", "169.254.170.2/32", "-p", "tcp", "--dport", "80", "-j", "RETURN"],
  ];
  const tcp = (port: number, peer: { cidr: string } | { groupId: string }): GroupRule => ({ protocol: "tcp", fromPort: port, toPort: port, ...peer });
  const cases: { name: string; view: FirewallView; tasks: { ip: string; groups: string[] }[]; want: string[][] }[] = [
    {
      name: "EC2's default egress allows everything: no egress rule, the chain is the ingress one",
      view: view({ groups: [group("sg-a", [tcp(80, { cidr: "0.0.0.0/0" })])] }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }],
      want: [established, ["-d", "10.0.0.2/32", "-p", "tcp", "--dport", "80", "-j", "RETURN"], ["-d", "10.0.0.2/32", "-j", "DROP"]],
    },
    {
      name: "the default revoked, one port allowed: that port to that block, the agent's endpoints, nothing else",
      view: view({ groups: [group("sg-a", [], [tcp(443, { cidr: "10.5.0.0/16" })])] }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }],
      want: [
        established,
        ["-d", "10.0.0.2/32", "-j", "DROP"],
        ...toEndpoints("10.0.0.2"),
        ["-s", "10.0.0.2/32", "-d", "10.5.0.0/16", "-p", "tcp", "--dport", "443", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-j", "DROP"],
      ],
    },
    {
      name: "a group without egress rules: nothing out but to the agent's endpoints",
      view: view({ groups: [group("sg-a", [], [])] }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }],
      want: [established, ["-d", "10.0.0.2/32", "-j", "DROP"], ...toEndpoints("10.0.0.2"), ["-s", "10.0.0.2/32", "-j", "DROP"]],
    },
    {
      name: "a destination group: its members' addresses; a group without members allows nothing; -1 is every protocol",
      view: view({
        groups: [group("sg-a", [], [tcp(5432, { groupId: "sg-db" }), tcp(6379, { groupId: "sg-empty" }), { protocol: "-1", fromPort: -1, toPort: -1, cidr: "10.7.0.0/24" }])],
        members: [{ groupId: "sg-db", ips: ["10.0.1.5", "10.0.1.6"] }],
      }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-a"] }],
      want: [
        established,
        ["-d", "10.0.0.2/32", "-j", "DROP"],
        ...toEndpoints("10.0.0.2"),
        ["-s", "10.0.0.2/32", "-d", "10.0.1.5/32", "-p", "tcp", "--dport", "5432", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-d", "10.0.1.6/32", "-p", "tcp", "--dport", "5432", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-d", "10.7.0.0/24", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-j", "DROP"],
      ],
    },
    {
      name: "a union across the task's groups: one narrowed group and one with the default allow everything",
      view: view({ groups: [group("sg-a", [], [tcp(443, { cidr: "10.5.0.0/16" })]), group("sg-b", [])] }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-a", "sg-b"] }],
      want: [established, ["-d", "10.0.0.2/32", "-j", "DROP"]],
    },
    {
      name: "a union of two narrowed groups: each one's rules, once",
      view: view({ groups: [group("sg-a", [], [tcp(443, { cidr: "10.5.0.0/16" })]), group("sg-b", [], [tcp(443, { cidr: "10.5.0.0/16" }), tcp(53, { cidr: "10.0.0.1/32" })])] }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-b", "sg-a"] }],
      want: [
        established,
        ["-d", "10.0.0.2/32", "-j", "DROP"],
        ...toEndpoints("10.0.0.2"),
        ["-s", "10.0.0.2/32", "-d", "10.5.0.0/16", "-p", "tcp", "--dport", "443", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-d", "10.0.0.1/32", "-p", "tcp", "--dport", "53", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-j", "DROP"],
      ],
    },
    {
      name: "two tasks of this agent: the server's ingress decides, so a narrowed client gets what both allow there, then a DROP",
      view: view({
        groups: [
          group("sg-client", [], [{ protocol: "tcp", fromPort: 80, toPort: 8080, groupId: "sg-server" }]),
          group("sg-server", [{ protocol: "tcp", fromPort: 0, toPort: 65535, groupId: "sg-client" }, { protocol: "udp", fromPort: 53, toPort: 53, cidr: "10.0.0.0/24" }]),
        ],
        members: [
          { groupId: "sg-client", ips: ["10.0.0.2"] },
          { groupId: "sg-server", ips: ["10.0.0.3"] },
        ],
      }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-client"] }, { ip: "10.0.0.3", groups: ["sg-server"] }],
      want: [
        established,
        ["-d", "10.0.0.2/32", "-j", "DROP"],
        ["-d", "10.0.0.3/32", "-s", "10.0.0.2/32", "-p", "tcp", "--dport", "80:8080", "-j", "RETURN"],
        ["-d", "10.0.0.3/32", "-s", "10.0.0.2/32", "-j", "DROP"],
        ["-d", "10.0.0.3/32", "-s", "10.0.0.2/32", "-p", "tcp", "-j", "RETURN"],
        ["-d", "10.0.0.3/32", "-s", "10.0.0.0/24", "-p", "udp", "--dport", "53", "-j", "RETURN"],
        ["-d", "10.0.0.3/32", "-j", "DROP"],
        ...toEndpoints("10.0.0.2"),
        ["-s", "10.0.0.2/32", "-d", "10.0.0.3/32", "-p", "tcp", "--dport", "80:8080", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-j", "DROP"],
      ],
    },
    {
      name: "two tasks of this agent: a client whose egress allows every protocol to the server adds nothing to the server's ingress",
      view: view({
        groups: [group("sg-client", [], [{ protocol: "-1", fromPort: -1, toPort: -1, cidr: "10.0.0.0/24" }]), group("sg-server", [tcp(80, { cidr: "10.0.0.2/32" })])],
      }),
      tasks: [{ ip: "10.0.0.2", groups: ["sg-client"] }, { ip: "10.0.0.3", groups: ["sg-server"] }],
      want: [
        established,
        ["-d", "10.0.0.2/32", "-j", "DROP"],
        ["-d", "10.0.0.3/32", "-s", "10.0.0.2/32", "-p", "tcp", "--dport", "80", "-j", "RETURN"],
        ["-d", "10.0.0.3/32", "-j", "DROP"],
        ...toEndpoints("10.0.0.2"),
        ["-s", "10.0.0.2/32", "-d", "10.0.0.0/24", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-j", "DROP"],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(chainRules(c.view, c.tasks, endpoints), c.want));
  }

  it("lets a task reach the agent's endpoints before any of its egress rules can drop it", () => {
    const rules = chainRules(view({ groups: [group("sg-a", [], [])] }), [{ ip: "10.0.0.2", groups: ["sg-a"] }], [{ ip: "169.254.170.2", protocol: "tcp", port: 80 }]);
    const credentials = rules.findIndex((r) => r.includes("169.254.170.2/32"));
    assert.ok(credentials > 0 && credentials < rules.findIndex((r) => r.join(" ") === "-s 10.0.0.2/32 -j DROP"));
  });

  describe("the host's DNS resolvers, open as the Amazon DNS server is", () => {
    const withResolver = [...endpoints, ...dnsDestinations(["10.255.255.53"])];
    const narrowed = view({ groups: [group("sg-a", [], [tcp(443, { cidr: "10.5.0.0/16" })])] });
    const task = [{ ip: "10.0.0.2", groups: ["sg-a"] }];

    it("a task with narrowed egress reaches the resolver on port 53, udp and tcp, before its DROP", () => {
      assert.deepEqual(chainRules(narrowed, task, withResolver), [
        established,
        ["-d", "10.0.0.2/32", "-j", "DROP"],
        ...toEndpoints("10.0.0.2"),
        ["-s", "10.0.0.2/32", "-d", "10.255.255.53/32", "-p", "udp", "--dport", "53", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-d", "10.255.255.53/32", "-p", "tcp", "--dport", "53", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-d", "10.5.0.0/16", "-p", "tcp", "--dport", "443", "-j", "RETURN"],
        ["-s", "10.0.0.2/32", "-j", "DROP"],
      ]);
    });

    it("a task under EC2's default egress gets no rule for it: the chain stays the ingress one", () => {
      const open = view({ groups: [group("sg-a", [tcp(80, { cidr: "0.0.0.0/0" })])] });
      const rules = chainRules(open, task, withResolver);
      assert.deepEqual(rules, [established, ["-d", "10.0.0.2/32", "-p", "tcp", "--dport", "80", "-j", "RETURN"], ["-d", "10.0.0.2/32", "-j", "DROP"]]);
      assert.deepEqual(rules, chainRules(open, task, endpoints));
    });
  });
});
