import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aLocalhostPair, aTestSubnet, aTwoPortWeb, eniDetail as detail, stopAwsvpcCluster, testPauseAgentEnv } from "./support/awsvpc-tasks.js";
import { refusal } from "./support/refusal.js";
import { containerReaches, containerReachesMetadata, ec2, ec2Error, hostReaches, berthRules } from "./support/security-groups.js";
import { until } from "./support/until.js";
import { hostDnsUpstreams } from "../src/agent/firewall/host-dns.js";

/**
 * Security groups on a real agent: awsvpc tasks in different groups, the rules between them, from
 * the host and out of a task changed with the real AWS CLI (`aws ec2`), enforced by the agent's
 * iptables chain.
 */
describe("security groups enforced between awsvpc tasks, from the host and out of a task", () => {
  let cluster: BerthCluster;
  const { subnet, network } = aTestSubnet();
  let family = "";
  let rulesBefore: string[] = [];
  const group = async (name: string): Promise<string> => String((await ec2(cluster.server, "create-security-group", "--group-name", name, "--description", `${name} tier`)).GroupId);
  const run = async (groups: string[] | undefined, taskDefinition = family): Promise<string> => {
    const out = await cluster.ecs.send(
      new RunTaskCommand({ cluster: cluster.name, taskDefinition, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], ...(groups && { securityGroups: groups }) } } }),
    );
    assert.deepEqual(out.failures, []);
    return out.tasks![0]!.taskArn!;
  };

  before(async () => {
    rulesBefore = await berthRules();
    cluster = await BerthCluster.start({ name: "secgroups", agentEnv: testPauseAgentEnv });
    family = await cluster.register(aLocalhostPair("sg-pair"));
  });
  after(async () => {
    await stopAwsvpcCluster(cluster, network);
    assert.deepEqual(await berthRules(), rulesBefore, "the agent removed its chain and jumps when it stopped");
  });

  it("refuses a group that does not exist as ECS does, and runs a task without groups in the VPC's default group", async () => {
    const missing = await refusal(run(["sg-0123456789abcdef0"]));
    assert.equal(missing.name, "InvalidParameterException");
    assert.equal(missing.message, "Error retrieving security group information for [sg-0123456789abcdef0]: The security group 'sg-0123456789abcdef0' does not exist (ErrorCode: InvalidGroup.NotFound)");
    const described = await ec2(cluster.server, "describe-security-groups", "--filters", "Name=group-name,Values=default");
    const defaultGroup = (described.SecurityGroups as { GroupId: string; IpPermissions: unknown[] }[])[0]!;
    assert.deepEqual(defaultGroup.IpPermissions, [{ IpProtocol: "-1", UserIdGroupPairs: [{ UserId: "000000000000", GroupId: defaultGroup.GroupId }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }]);
    const arn = await run(undefined);
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING" && detail(t, "privateIPv4Address") !== "", 30_000, "the task RUNNING with an address");
    const gone = await ec2Error(cluster.server, "delete-security-group", "--group-name", "default");
    assert.equal(gone.code, "CannotDelete");
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: task!.taskArn! }));
    await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 20_000, "the task STOPPED");
  });

  it("lets a task reach another only as a rule of the other's group allows: by source group, by CIDR; revoking cuts new connections", async () => {
    const clientGroup = await group(`client-${randomBytes(3).toString("hex")}`);
    const serverGroup = await group(`server-${randomBytes(3).toString("hex")}`);
    const arns = [await run([clientGroup]), await run([serverGroup])];
    const [a, b] = await cluster.waitForTasks(
      arns,
      (t) => t.lastStatus === "RUNNING" && detail(t, "privateIPv4Address") !== "" && t.containers!.find((c) => c.name === "client")?.lastStatus === "STOPPED",
      30_000,
      "both tasks RUNNING with their addresses, their clients done",
    );
    // Within a task, localhost is never filtered: both clients reached their own web although no group allows anything in.
    for (const t of [a!, b!]) assert.equal(t.containers!.find((c) => c.name === "client")!.exitCode, 0, "the client reached web on localhost");
    const fromA = a!.containers!.find((c) => c.name === "web")!.runtimeId!;
    const ipA = detail(a!, "privateIPv4Address");
    const ipB = detail(b!, "privateIPv4Address");
    const gateway = JSON.parse(await docker("network", "inspect", network, "--format", "{{json (index .IPAM.Config 0).Gateway}}")) as string;

    const chain = await berthRules();
    assert.ok(chain.some((l) => l.includes(`-d ${ipB}/32 -j DROP`)), `the agent's chain protects B: ${chain.join("; ")}`);
    assert.equal(await containerReaches(fromA, ipB), false, "no rule of B's group allows A");
    assert.equal(await hostReaches(ipB), false, "no rule of B's group allows the host");

    await ec2(cluster.server, "authorize-security-group-ingress", "--group-id", serverGroup, "--ip-permissions", `IpProtocol=tcp,FromPort=80,ToPort=80,UserIdGroupPairs=[{GroupId=${clientGroup}}]`);
    await until("A reaches B: a rule allows A's group", async () => ((await containerReaches(fromA, ipB)) ? true : undefined), { timeoutMs: 10_000 });
    assert.equal(await hostReaches(ipB), false, "the host is in no group the rule names");
    assert.equal(await containerReaches(fromA, ipB, 8080), false, "the rule allows port 80 only");

    await ec2(cluster.server, "revoke-security-group-ingress", "--group-id", serverGroup, "--ip-permissions", `IpProtocol=tcp,FromPort=80,ToPort=80,UserIdGroupPairs=[{GroupId=${clientGroup}}]`);
    await until("A no longer reaches B once the rule is revoked", async () => ((await containerReaches(fromA, ipB)) ? undefined : true), { timeoutMs: 10_000 });

    await ec2(cluster.server, "authorize-security-group-ingress", "--group-id", serverGroup, "--protocol", "tcp", "--port", "80", "--cidr", `${ipA}/32`);
    await until("A reaches B: a rule allows A's address", async () => ((await containerReaches(fromA, ipB)) ? true : undefined), { timeoutMs: 10_000 });
    assert.equal(await hostReaches(ipB), false, "the host's address is not A's");

    await ec2(cluster.server, "authorize-security-group-ingress", "--group-id", serverGroup, "--protocol", "tcp", "--port", "80", "--cidr", `${gateway}/32`);
    await until("the host reaches B: a rule allows its address on the subnet's network", async () => ((await hostReaches(ipB)) ? true : undefined), { timeoutMs: 10_000 });
    assert.equal(await containerReaches(b!.containers!.find((c) => c.name === "web")!.runtimeId!, ipA), false, "nothing allows B into A");
    await ec2(cluster.server, "revoke-security-group-ingress", "--group-id", serverGroup, "--protocol", "tcp", "--port", "80", "--cidr", `${gateway}/32`);
    await until("the host no longer reaches B", async () => ((await hostReaches(ipB)) ? undefined : true), { timeoutMs: 10_000 });

    const inUse = await ec2Error(cluster.server, "delete-security-group", "--group-id", serverGroup);
    assert.equal(inUse.code, "DependencyViolation");
    for (const arn of arns) await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    await cluster.waitForTasks(arns, (t) => t.lastStatus === "STOPPED", 20_000, "both tasks STOPPED");
    await ec2(cluster.server, "delete-security-group", "--group-id", serverGroup);
    await ec2(cluster.server, "delete-security-group", "--group-id", clientGroup);
  });

  it("lets a task whose egress is narrowed open connections only where a rule allows; its metadata endpoint and replies pass; the default rule restores it", async () => {
    const twoPorts = await cluster.register(aTwoPortWeb(`sg-two-ports-${randomBytes(3).toString("hex")}`));
    const narrow = await group(`narrow-${randomBytes(3).toString("hex")}`);
    const peers = await group(`peers-${randomBytes(3).toString("hex")}`);
    for (const port of ["80", "8080"]) await ec2(cluster.server, "authorize-security-group-ingress", "--group-id", peers, "--protocol", "tcp", "--port", port, "--cidr", "0.0.0.0/0");
    // A server of the host's own, on every address: what a task reaches through INPUT, not FORWARD.
    const onHost: Server = createServer((_req, res) => res.end("host"));
    await new Promise<void>((resolve) => onHost.listen(0, "0.0.0.0", resolve));
    const hostPort = (onHost.address() as AddressInfo).port;
    try {
      const arns = [await run([narrow]), await run([peers], twoPorts), await run([peers], twoPorts)];
      const [client, one, two] = await cluster.waitForTasks(arns, (t) => t.lastStatus === "RUNNING" && detail(t, "privateIPv4Address") !== "", 30_000, "the three tasks RUNNING with their addresses");
      // The subnet's network exists once a task runs on it.
      const gateway = JSON.parse(await docker("network", "inspect", network, "--format", "{{json (index .IPAM.Config 0).Gateway}}")) as string;
      // The client task accepts the host on port 80: its replies are not new connections, whatever its egress.
      await ec2(cluster.server, "authorize-security-group-ingress", "--group-id", narrow, "--protocol", "tcp", "--port", "80", "--cidr", `${gateway}/32`);
      const from = client!.containers!.find((c) => c.name === "web")!.runtimeId!;
      const [ipC, ip1, ip2] = [client!, one!, two!].map((t) => detail(t, "privateIPv4Address")) as [string, string, string];
      const reach = async () => ({
        peer80: await containerReaches(from, ip1),
        peer8080: await containerReaches(from, ip1, 8080),
        other80: await containerReaches(from, ip2),
        host: await containerReaches(from, gateway, hostPort),
        metadata: await containerReachesMetadata(from),
        fromHost: await hostReaches(ipC),
      });
      const everything = { peer80: true, peer8080: true, other80: true, host: true, metadata: true, fromHost: true };
      await until("the client reaches everything under EC2's default egress", async () => ((await reach()).fromHost ? true : undefined), { timeoutMs: 10_000 });
      assert.deepEqual(await reach(), everything);

      await ec2(cluster.server, "revoke-security-group-egress", "--group-id", narrow, "--ip-permissions", "IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]");
      await ec2(cluster.server, "authorize-security-group-egress", "--group-id", narrow, "--ip-permissions", `IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=${ip1}/32}]`);
      await until("the narrowed egress written", async () => ((await berthRules()).some((l) => l.includes(`-s ${ipC}/32 -j DROP`)) ? true : undefined), { timeoutMs: 10_000 });
      assert.deepEqual(await reach(), { peer80: true, peer8080: false, other80: false, host: false, metadata: true, fromHost: true }, "one port to one peer; the metadata endpoint and replies pass");
      // The resolvers Docker's embedded DNS forwards the task's queries to stay open on port 53. Rules only: a query for an
      // outside name would leave this machine, and a container's name is answered inside the task's namespace, never crossing the chain.
      const resolvers = (await hostDnsUpstreams()).flatMap((ip) => ["udp", "tcp"].map((p) => `-s ${ipC}/32 -d ${ip}/32 -p ${p} -m ${p} --dport 53 -j RETURN`));
      const narrowed = await berthRules();
      assert.deepEqual(resolvers.filter((r) => !narrowed.some((l) => l.endsWith(r))), [], "the host's resolvers open on port 53, udp and tcp");

      await ec2(cluster.server, "authorize-security-group-egress", "--group-id", narrow, "--ip-permissions", "IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]");
      await until("the client reaches everything again once the default rule is back", async () => ((await reach()).other80 ? true : undefined), { timeoutMs: 10_000 });
      assert.deepEqual(await reach(), everything);
      assert.equal((await berthRules()).filter((l) => l.includes(`-s ${ipC}/32`)).length, 0, "a task whose egress allows everything has no egress rules");

      for (const arn of arns) await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
      await cluster.waitForTasks(arns, (t) => t.lastStatus === "STOPPED", 20_000, "the three tasks STOPPED");
      await ec2(cluster.server, "delete-security-group", "--group-id", narrow);
      await ec2(cluster.server, "delete-security-group", "--group-id", peers);
    } finally {
      await new Promise((resolve) => onHost.close(resolve));
    }
  });

  it("replaces what a killed agent left when it starts again: its adopted task keeps its rules, a stopped task's rules go", async () => {
    const open = await group(`open-${randomBytes(3).toString("hex")}`);
    await ec2(cluster.server, "authorize-security-group-ingress", "--group-id", open, "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0");
    const arn = await run([open]);
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING" && detail(t, "privateIPv4Address") !== "", 30_000, "the task RUNNING with an address");
    const ip = detail(task!, "privateIPv4Address");
    await until("the host reaches the task: its group lets anyone in on port 80", async () => ((await hostReaches(ip)) ? true : undefined), { timeoutMs: 10_000 });

    const agent = cluster.agents[0]!;
    await agent.kill("SIGKILL");
    const left = (await berthRules()).filter((l) => l.includes(`${ip}/32`));
    assert.ok(left.length > 0, "a killed agent leaves its chain behind");
    await agent.start();
    await until("the restarted agent's chain: the adopted task open again on port 80", async () => ((await hostReaches(ip)) ? true : undefined), { timeoutMs: 20_000 });
    assert.equal((await berthRules()).filter((l) => l.includes(`-d ${ip}/32 -j DROP`)).length, 1, "one chain, written anew, not a second copy");

    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 20_000, "the task STOPPED");
    await until("the stopped task's rules removed", async () => ((await berthRules()).some((l) => l.includes(`${ip}/32`)) ? undefined : true), { timeoutMs: 10_000 });
  });
});
