import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile, rmdir } from "node:fs/promises";
import { DescribeClustersCommand, PutClusterCapacityProvidersCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster, docker, type BerthAgent } from "./support/berth-cluster.js";
import { anOpenWebGroup, aTestSubnet, eniDetail as detail, stopAwsvpcCluster, testPauseAgentEnv } from "./support/awsvpc-tasks.js";
import { aContainer, testImage } from "./support/fixtures.js";
import { refusal } from "./support/refusal.js";
import { until } from "./support/until.js";

const lines = (s: string): string[] => s.split("\n").filter((l) => l !== "");

/**
 * FARGATE on managed capacity: an agent started with BERTH_CAPACITY=fargate joins the pool that no
 * cluster lists; FARGATE tasks of any cluster run there, each in its own namespace with its own
 * address (awsvpc), next to the cluster's EC2 tasks.
 */
describe("FARGATE tasks on managed capacity", () => {
  let cluster: BerthCluster;
  let pool: BerthAgent | undefined;
  const { subnet, network } = aTestSubnet();
  // Its group lets the test process in on port 80 (the default group admits only its own members, as in a VPC).
  let awsvpc = { awsvpcConfiguration: { subnets: [subnet], securityGroups: [] as string[], assignPublicIp: "DISABLED" as const } };
  let seedFamily = "";
  const started: string[] = [];
  /** Every FARGATE task's id, whose cgroups the agent made (removed after the test, should the agent not have). */
  const ids: string[] = [];

  before(async () => {
    // One EC2 container instance in the cluster; the managed host is added beside it.
    cluster = await BerthCluster.start({ name: "fargate", agentEnv: testPauseAgentEnv });
    pool = await cluster.addAgent({ BERTH_CAPACITY: "fargate", BERTH_AVAILABILITY_ZONE: "us-east-1b" });
    const group = await anOpenWebGroup(cluster.server);
    awsvpc = { awsvpcConfiguration: { subnets: [subnet], securityGroups: [group], assignPublicIp: "DISABLED" } };
    // The seed's Fargate task definition, the test image in place of httpd.
    const seed = await cluster.server.aws(
      "ecs", "register-task-definition",
      "--family", "hello-fargate",
      "--network-mode", "awsvpc",
      "--requires-compatibilities", "FARGATE",
      "--cpu", "256",
      "--memory", "512",
      "--container-definitions", JSON.stringify([{ name: "web", image: testImage, essential: true, portMappings: [{ containerPort: 80 }] }]),
    );
    assert.equal(seed.code, 0, seed.stderr);
    seedFamily = "hello-fargate";
  });
  after(async () => {
    // The managed host's pause containers: FARGATE tasks run there.
    await stopAwsvpcCluster(cluster, network, pool?.containerInstanceArn);
    // Tasks still running when the agent stopped keep their cgroups: removed now that their containers are gone.
    // runc lets go of a removed container's cgroups a moment later: tried until they are gone.
    const hierarchies = await readdir("/sys/fs/cgroup");
    await until("the tasks' cgroups removed", async () => {
      for (const controller of hierarchies) {
        for (const id of ids) await rmdir(`/sys/fs/cgroup/${controller}/berth/${id}`).catch(() => undefined);
        await rmdir(`/sys/fs/cgroup/${controller}/berth`).catch(() => undefined);
      }
      return hierarchies.some((c) => ids.some((id) => existsSync(`/sys/fs/cgroup/${c}/berth/${id}`))) ? undefined : true;
    }, { timeoutMs: 15_000 }).catch(() => undefined);
  });

  /** RunTask through the CLI until the pool's agent has connected (a placement on a host whose agent is away fails, and is retried). */
  async function cliRun(...args: string[]): Promise<Task[]> {
    return until("the pool's agent takes FARGATE tasks", async () => {
      const out = await cluster.server.aws("ecs", "run-task", "--cluster", cluster.name, ...args);
      assert.equal(out.code, 0, out.stderr);
      const parsed = JSON.parse(out.stdout) as { tasks: Task[]; failures: unknown[] };
      return parsed.tasks.length > 0 ? parsed.tasks : undefined;
    }, { timeoutMs: 15_000 });
  }

  it("runs the seed's Fargate task with --launch-type FARGATE on a cluster with no container instance of its own in use: an interface with its own address answers on port 80", async () => {
    const [run] = await cliRun(
      "--launch-type", "FARGATE",
      "--platform-version", "LATEST",
      "--task-definition", seedFamily,
      "--network-configuration", JSON.stringify(awsvpc),
    );
    started.push(run!.taskArn!);
    ids.push(run!.taskArn!.split("/").at(-1)!);
    assert.equal(run!.launchType, "FARGATE");
    assert.equal(run!.platformVersion, "1.4.0");
    assert.equal(run!.containerInstanceArn, undefined, "a Fargate task names no container instance");
    const [task] = await cluster.waitForTasks([run!.taskArn!], (t) => t.lastStatus === "RUNNING", 30_000, "the Fargate task RUNNING");
    const ip = detail(task!, "privateIPv4Address");
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(task!.attachments![0]!.status, "ATTACHED");
    assert.equal(detail(task!, "subnetId"), subnet);
    const res = await fetch(`http://${ip}:80/`, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /berth-test ok/);
    // It ran on the managed host, which no cluster lists.
    const listed = await cluster.server.aws("ecs", "list-container-instances", "--cluster", cluster.name);
    assert.deepEqual((JSON.parse(listed.stdout) as { containerInstanceArns: string[] }).containerInstanceArns, [cluster.agents[0]!.containerInstanceArn]);
    const onPool = await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.task-arn=${run!.taskArn}`, "--filter", `label=com.amazonaws.ecs.cluster=${cluster.name}`);
    assert.equal(lines(onPool).length, 1, "the task's container carries its own cluster's label");
    assert.match(pool?.containerInstanceArn ?? "", /\/berth\.fargate-pool\//);
  });

  it("runs EC2 and FARGATE tasks side by side in one cluster, each listed with its launch type", async () => {
    const ec2Family = await cluster.register({ family: "fargate-side-ec2", containerDefinitions: [aContainer({ command: ["sleep", "1000"], stopTimeout: 2 })] });
    const ec2 = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: ec2Family }));
    assert.equal(ec2.tasks?.[0]?.launchType, "EC2");
    assert.equal(ec2.tasks?.[0]?.containerInstanceArn, cluster.agents[0]!.containerInstanceArn);
    started.push(ec2.tasks[0].taskArn!);
    const fargate = await cliRun("--launch-type", "FARGATE", "--task-definition", seedFamily, "--network-configuration", JSON.stringify(awsvpc));
    started.push(fargate[0]!.taskArn!);
    ids.push(fargate[0]!.taskArn!.split("/").at(-1)!);
    const byType = async (launchType: string) => {
      const out = await cluster.server.aws("ecs", "list-tasks", "--cluster", cluster.name, "--launch-type", launchType);
      return (JSON.parse(out.stdout) as { taskArns: string[] }).taskArns;
    };
    assert.ok((await byType("EC2")).includes(ec2.tasks[0].taskArn!));
    assert.ok(!(await byType("EC2")).includes(fargate[0]!.taskArn!));
    assert.ok((await byType("FARGATE")).includes(fargate[0]!.taskArn!));
    assert.ok(!(await byType("FARGATE")).includes(ec2.tasks[0].taskArn!));
    // DescribeClusters' statistics count each launch type's tasks apart, and together they are the cluster's.
    await until("statistics with both launch types running", async () => {
      const c = (await cluster.ecs.send(new DescribeClustersCommand({ clusters: [cluster.name], include: ["STATISTICS"] }))).clusters?.[0];
      const stat = (name: string) => Number(c?.statistics?.find((s) => s.name === name)?.value ?? "0");
      const [onEc2, onFargate] = [stat("runningEC2TasksCount"), stat("runningFargateTasksCount")];
      return onEc2 >= 1 && onFargate >= 1 && onEc2 + onFargate === c?.runningTasksCount ? true : undefined;
    });
  });

  it("runs a service with launchType FARGATE on the pool, and keeps its task there", async () => {
    const created = await cluster.server.aws(
      "ecs", "create-service", "--cluster", cluster.name, "--service-name", "fargate-svc", "--task-definition", seedFamily,
      "--desired-count", "1", "--launch-type", "FARGATE", "--network-configuration", JSON.stringify(awsvpc),
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal((JSON.parse(created.stdout) as { service: { launchType: string } }).service.launchType, "FARGATE");
    const arns = await until("the service's task", async () => {
      const out = await cluster.server.aws("ecs", "list-tasks", "--cluster", cluster.name, "--service-name", "fargate-svc");
      const listed = (JSON.parse(out.stdout) as { taskArns: string[] }).taskArns;
      return listed.length > 0 ? listed : undefined;
    }, { timeoutMs: 15_000 });
    const [task] = await cluster.waitForTasks(arns, (t) => t.lastStatus === "RUNNING", 30_000, "the service's task RUNNING");
    ids.push(task!.taskArn!.split("/").at(-1)!);
    assert.equal(task!.launchType, "FARGATE");
    assert.equal(task!.containerInstanceArn, undefined);
    // The service counts it as its running task, on a host it knows (before the fix, it took the pool
    // host for a gone instance and replaced the task over and over).
    await until("the service counts its task", async () => {
      const out = await cluster.server.aws("ecs", "describe-services", "--cluster", cluster.name, "--services", "fargate-svc");
      const svc = (JSON.parse(out.stdout) as { services: Array<{ runningCount: number }> }).services[0]!;
      return svc.runningCount === 1 || undefined;
    }, { timeoutMs: 15_000 });
    const listed = await cluster.server.aws("ecs", "list-tasks", "--cluster", cluster.name, "--service-name", "fargate-svc");
    assert.deepEqual((JSON.parse(listed.stdout) as { taskArns: string[] }).taskArns, arns);
    const stoppedOnes = await cluster.server.aws("ecs", "list-tasks", "--cluster", cluster.name, "--service-name", "fargate-svc", "--desired-status", "STOPPED");
    assert.deepEqual((JSON.parse(stoppedOnes.stdout) as { taskArns: string[] }).taskArns, [], "none replaced");
    const deleted = await cluster.server.aws("ecs", "delete-service", "--cluster", cluster.name, "--service", "fargate-svc", "--force");
    assert.equal(deleted.code, 0, deleted.stderr);
    await cluster.waitForTasks(arns, (t) => t.lastStatus === "STOPPED", 30_000, "the service's task STOPPED");
  });

  it("limits the whole task to its task-level memory and cpu (one cgroup per task): two containers together above 512 MiB are OOM-killed with ECS's reason", async () => {
    // Each container alone stays under the task's 512 MiB (its own Docker limit), so only the
    // task's cgroup can stop them: a holds ~150 MiB (its shell lives on: a last command would be exec'd) and then serves on localhost:8080; b waits for
    // it (the two share the task's namespace), then reads 400 MiB at once.
    const family = await cluster.register({
      family: "fargate-hungry",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      containerDefinitions: [
        aContainer({
          name: "a",
          memory: undefined,
          cpu: undefined,
          memoryReservation: 64,
          command: ["sh", "-c", "x=$(dd if=/dev/zero bs=1M count=150 2>/dev/null | tr '\\0' x); httpd -p 8080 -h /www; while :; do sleep 1000; done"],
        }),
        aContainer({
          name: "b",
          memory: undefined,
          cpu: undefined,
          memoryReservation: 64,
          command: ["sh", "-c", "until wget -q -O /dev/null http://127.0.0.1:8080/; do sleep 0.5; done; exec dd if=/dev/zero of=/dev/null bs=400M count=1"],
        }),
      ],
    });
    const [run] = await cliRun("--launch-type", "FARGATE", "--task-definition", family, "--network-configuration", JSON.stringify(awsvpc));
    const arn = run!.taskArn!;
    const id = arn.split("/").at(-1)!;
    ids.push(id);
    // While it runs: its containers (and its pause container) under /berth/<task-id>, which has the task's limits.
    const [running] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING" || t.lastStatus === "STOPPED", 30_000, "the task started");
    assert.deepEqual(running!.attributes, [{ name: "berth.isolation", value: "runc: namespaces, task cgroup (cpu and memory hard limits for the whole task)" }]);
    const parents = lines(await docker("ps", "-aq", "--filter", `label=com.amazonaws.ecs.task-arn=${arn}`).then((ids) => docker("inspect", "--format", "{{.HostConfig.CgroupParent}}", ...lines(ids))));
    assert.deepEqual(new Set(parents), new Set([`/berth/${id}`]));
    assert.equal((await readFile(`/sys/fs/cgroup/memory/berth/${id}/memory.limit_in_bytes`, "utf8")).trim(), String(512 * 2 ** 20));
    assert.equal((await readFile(`/sys/fs/cgroup/cpu/berth/${id}/cpu.cfs_quota_us`, "utf8")).trim(), "25000", "256 units: a quarter of a CPU");
    // a builds its 150 MiB on a quarter of a CPU: slow, which is the cpu limit at work.
    const [stopped] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 120_000, "the task stopped for its memory");
    const killed = stopped!.containers!.filter((c) => c.reason === "OutOfMemoryError: Container killed due to memory usage");
    assert.ok(killed.length >= 1, JSON.stringify(stopped!.containers));
    for (const c of killed) assert.equal(c.exitCode, 137);
    assert.equal(stopped!.stopCode, "EssentialContainerExited");
    const hierarchies = await readdir("/sys/fs/cgroup");
    await until("the task's cgroup removed from every hierarchy", () => Promise.resolve(hierarchies.some((c) => existsSync(`/sys/fs/cgroup/${c}/berth/${id}`)) ? undefined : true), { timeoutMs: 15_000 });
  });

  it("splits 8 tasks of a FARGATE base 1 weight 1, FARGATE_SPOT weight 3 strategy as ECS does, all on the pool", async () => {
    // The pool host's CPU (1024 units a core) takes 8 tasks of 256 on 2 cores: the earlier tasks make room first.
    for (const arn of started) await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    await cluster.waitForTasks(started, (t) => t.lastStatus === "STOPPED", 30_000, "the earlier tasks STOPPED");
    started.length = 0;
    await cluster.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy: [] }));
    const out = await cluster.ecs.send(
      new RunTaskCommand({
        cluster: cluster.name,
        taskDefinition: seedFamily,
        count: 8,
        networkConfiguration: awsvpc,
        capacityProviderStrategy: [
          { capacityProvider: "FARGATE", base: 1, weight: 1 },
          { capacityProvider: "FARGATE_SPOT", weight: 3 },
        ],
      }),
    );
    assert.deepEqual(out.failures, []);
    const tasks = out.tasks ?? [];
    started.push(...tasks.map((t) => t.taskArn!));
    ids.push(...tasks.map((t) => t.taskArn!.split("/").at(-1)!));
    const count = (p: string) => tasks.filter((t) => t.capacityProviderName === p).length;
    // Base first (1 FARGATE), then the other 7 by weight 1:3, each to the provider furthest below its share.
    assert.equal(count("FARGATE"), 2);
    assert.equal(count("FARGATE_SPOT"), 6);
    for (const t of tasks) assert.equal(t.launchType, "FARGATE");
    const running = await cluster.waitForTasks(tasks.map((t) => t.taskArn!), (t) => t.lastStatus === "RUNNING", 60_000, "the 8 tasks RUNNING");
    assert.equal(new Set(running.map((t) => detail(t, "privateIPv4Address"))).size, 8, "each task has its own address");
  });

  it("refuses what Fargate does not take, with ECS's errors, and starts nothing", async () => {
    const fargateTasks = async () => {
      const out = await cluster.server.aws("ecs", "list-tasks", "--cluster", cluster.name, "--launch-type", "FARGATE");
      return new Set((JSON.parse(out.stdout) as { taskArns: string[] }).taskArns);
    };
    const before = await fargateTasks();
    assert.deepEqual(before, new Set(started));
    const bridge = await cluster.register({ family: "fargate-bridge", containerDefinitions: [aContainer()] });
    const notFargate = await refusal(cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: bridge, launchType: "FARGATE" })));
    assert.equal(notFargate.name, "InvalidParameterException");
    assert.match(notFargate.message, /^Task definition does not support launch_type FARGATE\./);
    const platform = await refusal(cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: seedFamily, launchType: "FARGATE", platformVersion: "1.3.0", networkConfiguration: awsvpc })));
    assert.equal(platform.name, "PlatformUnknownException");
    const strategy = await refusal(
      cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: seedFamily, launchType: "FARGATE", networkConfiguration: awsvpc, placementStrategy: [{ type: "random" }] })),
    );
    assert.equal(strategy.name, "InvalidParameterException");
    assert.match(strategy.message, /placement strategies are not supported for the FARGATE launch type/);
    const constraint = await refusal(
      cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: seedFamily, launchType: "FARGATE", networkConfiguration: awsvpc, placementConstraints: [{ type: "distinctInstance" }] })),
    );
    assert.equal(constraint.name, "InvalidParameterException");
    const noNetwork = await refusal(cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: seedFamily, launchType: "FARGATE" })));
    assert.equal(noNetwork.message, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    assert.deepEqual(await fargateTasks(), before);
  });
});
