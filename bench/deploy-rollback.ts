/**
 * Deploy and roll back a service of 4 tasks behind Berth's load balancer, on real Docker, by
 * rolling update and by blue/green, in one run (`npm run bench:deploy`; ROUNDS, default 3):
 * - deploy: from UpdateService (v1 → v2) until 20 consecutive requests through the listener all
 *   answer v2;
 * - rollback, once production answers the new revision (20 requests in a row): blue/green's
 *   StopServiceDeployment (ROLLBACK) during the bake time; for the rolling update, UpdateService
 *   back to the previous revision (what its user does: the old tasks are gone); timed until 20
 *   consecutive requests answer the previous revision again;
 * - failed requests (connection errors, 5xx) of a steady keep-alive client during each.
 * Both services run on the same agent, alternately; times are from the caller's clock.
 */
import { loadavg } from "node:os";
import {
  CreateServiceCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type LoadBalancer,
} from "@aws-sdk/client-ecs";
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, type Action } from "@aws-sdk/client-elastic-load-balancing-v2";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthCluster } from "../test/support/berth-cluster.js";
import { elbv2Client, get } from "../test/support/elbv2-cli.js";
import { testImage } from "../test/support/fixtures.js";
import { describeService } from "../test/support/services.js";
import { steadyClient } from "../test/support/steady-client.js";
import { until } from "../test/support/until.js";
import { machineLine, quantile } from "./support/bench-cluster.js";

const rounds = Number(process.env.ROUNDS ?? 3);

interface Way {
  readonly service: string;
  readonly port: number;
  readonly deploymentConfiguration: DeploymentConfiguration;
  readonly loadBalancers: LoadBalancer[];
  /** UpdateService's deploymentConfiguration for a deployment that bakes (blue/green) or not. */
  readonly bake: (minutes: number) => DeploymentConfiguration | undefined;
  /** Returns to `revision`: StopServiceDeployment (blue/green, baking) or a new rolling update to it. */
  readonly rollBack: (revision: number) => Promise<unknown>;
}

async function main(): Promise<void> {
  const cluster = await BerthCluster.start({ name: "deploy-bench", agents: 1, serverArgs: ["--task-healthy-after", "5s"] });
  try {
    const elb = elbv2Client(cluster.server);
    const base = await freeBlock(2);
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: "bench-lb" }))).LoadBalancers![0]!.LoadBalancerArn!;
    const group = async (name: string) =>
      (await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: "HTTP", Port: 80, HealthCheckPath: "/", HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2 })))
        .TargetGroups![0]!.TargetGroupArn!;
    const listener = async (port: number, actions: Action[]) => {
      const arn = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: "HTTP", Port: port, DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404" } }] })))
        .Listeners![0]!.ListenerArn!;
      return (await elb.send(new CreateRuleCommand({ ListenerArn: arn, Priority: 1, Conditions: [{ Field: "path-pattern", Values: ["/*"] }], Actions: actions }))).Rules![0]!.RuleArn!;
    };
    const rollingTg = await group("rolling");
    await listener(base, [{ Type: "forward", TargetGroupArn: rollingTg }]);
    const [blue, green] = [await group("blue"), await group("green")];
    const rule = await listener(base + 1, [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 100 }, { TargetGroupArn: green, Weight: 0 }] } }]);
    for (const version of ["v1", "v2"]) {
      const web = { name: "web", image: testImage, memory: 32, command: ["sh", "-c", `echo ${version} > /www/index.html; exec serve`], portMappings: [{ containerPort: 80, hostPort: 0 }] };
      await cluster.ecs.send(new RegisterTaskDefinitionCommand({ family: "bench", containerDefinitions: [web] }));
    }
    const ways: Way[] = [
      {
        service: "rolling",
        port: base,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
        loadBalancers: [{ targetGroupArn: rollingTg, containerName: "web", containerPort: 80 }],
        bake: () => undefined,
        rollBack: (revision) => cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "rolling", taskDefinition: `bench:${revision}` })),
      },
      {
        service: "blue-green",
        port: base + 1,
        deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: 0 },
        loadBalancers: [{ targetGroupArn: blue, containerName: "web", containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: rule } }],
        bake: (minutes) => ({ bakeTimeInMinutes: minutes }),
        rollBack: async () => {
          const [deployment] = (await cluster.ecs.send(new ListServiceDeploymentsCommand({ cluster: cluster.name, service: "blue-green" }))).serviceDeployments ?? [];
          return cluster.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: deployment!.serviceDeploymentArn, stopType: "ROLLBACK" }));
        },
      },
    ];
    for (const w of ways) {
      await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: w.service, taskDefinition: "bench:1", desiredCount: 4, loadBalancers: w.loadBalancers, deploymentConfiguration: w.deploymentConfiguration }));
    }
    for (const w of ways) await settled(cluster, w, 1);

    const figures = new Map<string, { deploy: number[]; rollback: number[]; failed: number; requests: number }>(ways.map((w) => [w.service, { deploy: [], rollback: [], failed: 0, requests: 0 }]));
    const load: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const w of ways) {
        const f = figures.get(w.service)!;
        const client = steadyClient(w.port);
        // Deploy v2 and time it to production answering v2.
        if (!(await answers(w.port, "v1", 20))) throw new Error(`${w.service}: production does not answer v1 before the deployment (${await answer(w.port)})`);
        let t0 = Date.now();
        await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: w.service, taskDefinition: "bench:2", deploymentConfiguration: w.bake(0) }));
        await until(`${w.service}: v2 in production`, () => whenTrue(answers(w.port, "v2", 20)), { timeoutMs: 180_000, everyMs: 50 });
        f.deploy.push(Date.now() - t0);
        await settled(cluster, w, 2);
        // Deploy v1 again; once production answers it, roll back: v2 answering again is the rollback's time.
        await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: w.service, taskDefinition: "bench:1", deploymentConfiguration: w.bake(10) }));
        await until(`${w.service}: v1 in production`, () => whenTrue(answers(w.port, "v1", 20)), { timeoutMs: 180_000, everyMs: 50 });
        t0 = Date.now();
        await w.rollBack(2);
        await until(`${w.service}: v2 in production again`, () => whenTrue(answers(w.port, "v2", 20)), { timeoutMs: 180_000, everyMs: 50 });
        f.rollback.push(Date.now() - t0);
        await settled(cluster, w, 2);
        const outcome = await client.stop();
        f.failed += outcome.failures.length;
        f.requests += outcome.ok + outcome.failures.length;
        load.push(loadavg()[0]!);
        // Back to v1 for the next round.
        await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: w.service, taskDefinition: "bench:1", deploymentConfiguration: w.bake(0) }));
        await settled(cluster, w, 1);
      }
    }

    const ms = (xs: number[]) => `${Math.round(quantile(xs, 0.5))} ms (${xs.map((x) => Math.round(x)).join(", ")})`;
    console.log(`# Deploy and rollback behind the load balancer: ${machineLine()}, ${rounds} rounds, load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`);
    console.log("| strategy | deploy: UpdateService → production answers the new revision, median (each) | rollback (blue/green: StopServiceDeployment in the bake time; rolling: UpdateService to the previous revision) → production answers it, median (each) | failed requests |");
    console.log("|---|---|---|---|");
    for (const [service, f] of figures) console.log(`| ${service} | ${ms(f.deploy)} | ${ms(f.rollback)} | ${f.failed} of ${f.requests} |`);
  } finally {
    await cluster.stop();
  }
}

/** `until` waits for a value other than undefined: false is one. */
const whenTrue = async (p: Promise<boolean>): Promise<true | undefined> => ((await p) ? true : undefined);

const answer = (port: number): Promise<string> => get(port, "/").then((r) => r.body.trim(), (e: Error) => e.message);

/** Whether `n` requests in a row through the listener answer `version`. */
async function answers(port: number, version: string, n: number): Promise<boolean> {
  for (let i = 0; i < n; i++) if ((await answer(port)) !== version) return false;
  return true;
}

/** The service on bench:`revision`, one COMPLETED deployment, 4 tasks running. */
async function settled(cluster: BerthCluster, w: Way, revision: number): Promise<void> {
  await until(`${w.service} settled on bench:${revision}`, async () => {
    const s = await describeService(cluster.ecs, cluster.name, w.service);
    const d = s.deployments ?? [];
    return d.length === 1 && d[0]?.rolloutState === "COMPLETED" && d[0]?.taskDefinition?.endsWith(`bench:${revision}`) && s.runningCount === 4 ? true : undefined;
  }, { timeoutMs: 300_000, everyMs: 250 });
}

await main();
