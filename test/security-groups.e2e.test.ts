import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aContainer } from "./support/fixtures.js";
import { refusal } from "./support/refusal.js";
import { containerReaches, ec2, ec2Error, hostReaches, berthRules } from "./support/security-groups.js";
import { until } from "./support/until.js";

const detail = (t: Task, name: string): string => t.attachments?.[0]?.details?.find((d) => d.name === name)?.value ?? "";
const lines = (s: string): string[] => s.split("\n").filter((l) => l !== "");

/**
 * Security groups on a real agent: two awsvpc tasks in different groups, the rules between them
 * and from the host changed with the real AWS CLI (`aws ec2`), enforced by the agent's iptables chain.
 */
describe("security groups enforced between awsvpc tasks and from the host", () => {
  let cluster: BerthCluster;
  const subnet = `subnet-${randomBytes(4).toString("hex")}`;
  const network = `berth-${subnet}`;
  let family = "";
  let rulesBefore: string[] = [];
  const group = async (name: string): Promise<string> => String((await ec2(cluster.server, "create-security-group", "--group-name", name, "--description", `${name} tier`)).GroupId);
  const run = async (groups: string[] | undefined): Promise<string> => {
    const out = await cluster.ecs.send(
      new RunTaskCommand({ cluster: cluster.name, taskDefinition: family, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], ...(groups && { securityGroups: groups }) } } }),
    );
    assert.deepEqual(out.failures, []);
    return out.tasks![0]!.taskArn!;
  };

  before(async () => {
    rulesBefore = await berthRules();
    cluster = await BerthCluster.start({ name: "secgroups", agentEnv: { BERTH_PAUSE_IMAGE: "berth-test:latest", BERTH_PAUSE_COMMAND: "sleep 2147483647" } });
    family = await cluster.register({
      family: "sg-pair",
      networkMode: "awsvpc",
      containerDefinitions: [
        aContainer({ name: "web", portMappings: [{ containerPort: 80 }] }),
        // Reaches web on localhost, whatever the groups allow: exits 0 once it has the page.
        aContainer({
          name: "client",
          essential: false,
          command: ["sh", "-c", "for i in $(seq 100); do wget -q -O - http://127.0.0.1:80/ | grep -q 'berth-test ok' && exit 0; sleep 0.1; done; exit 1"],
        }),
      ],
    });
  });
  after(async () => {
    const pauses = await docker("ps", "-aq", "--filter", "label=berth.pause-of", "--filter", `label=berth.container-instance=${cluster.agents[0]?.containerInstanceArn ?? "none"}`);
    await cluster.stop();
    if (lines(pauses).length > 0) await docker("rm", "-f", ...lines(pauses)).catch(() => "");
    // Pause containers started ahead and claimed by a task still running when its agent stopped carry no berth.pause-of label: found on the subnet's network.
    const onNetwork = lines(await docker("ps", "-aq", "--filter", `network=${network}`));
    if (onNetwork.length > 0) await docker("rm", "-f", ...onNetwork).catch(() => "");
    const networks = lines(await docker("network", "ls", "-q", "--filter", `name=^${network}$`));
    if (networks.length > 0) await docker("network", "rm", ...networks);
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
