import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BerthServer } from "./berth-server.js";
import { elbv2, first } from "./elbv2-cli.js";
import { testImage } from "./fixtures.js";

/** What the load-balancing e2e tests share: a `web` service's load balancer, target group and listener, made with the real AWS CLI. */

export interface TargetHealthDescription {
  Target: { Id: string; Port: number };
  TargetHealth: { State: string; Reason?: string };
}

/** `aws …` against `server`: parsed JSON ({} for no output); throws with the CLI's error text otherwise. */
export const awsJson =
  (server: () => BerthServer) =>
  async (...args: string[]): Promise<Record<string, unknown>> => {
    const r = await server().aws(...args);
    if (r.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(" ")}: ${r.stderr}`);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
  };

export interface WebLoadBalancerOptions {
  /** The names' prefix: `<prefix>-lb` and `<prefix>-tg` (default `web`). */
  readonly prefix?: string;
  /** More `create-load-balancer` arguments. */
  readonly loadBalancerArgs?: readonly string[];
  /** More `create-target-group` arguments. */
  readonly targetGroupArgs?: readonly string[];
  /** The target group's deregistration delay, when not ELB's default. */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * Load balancer `web-lb`, target group `web-tg` (or another prefix's; HTTP on port 80, health check of `/` every 5 s,
 * 2 s timeout, healthy after 2) and an HTTP listener on `port` that forwards to it.
 */
export async function aWebLoadBalancer(server: BerthServer, port: number, o: WebLoadBalancerOptions = {}): Promise<{ lbArn: string; tgArn: string }> {
  const lbArn = first(await elbv2(server, "create-load-balancer", "--name", `${o.prefix ?? "web"}-lb`, ...(o.loadBalancerArgs ?? [])), "LoadBalancers", "LoadBalancerArn");
  const tgArn = first(
    await elbv2(server, "create-target-group", "--name", `${o.prefix ?? "web"}-tg`, "--protocol", "HTTP", "--port", "80", "--health-check-path", "/",
      "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "2", "--healthy-threshold-count", "2", ...(o.targetGroupArgs ?? [])),
    "TargetGroups",
    "TargetGroupArn",
  );
  if (o.deregistrationDelaySeconds !== undefined) {
    await elbv2(server, "modify-target-group-attributes", "--target-group-arn", tgArn, "--attributes", `Key=deregistration_delay.timeout_seconds,Value=${o.deregistrationDelaySeconds}`);
  }
  await elbv2(server, "create-listener", "--load-balancer-arn", lbArn, "--protocol", "HTTP", "--port", String(port), "--default-actions", `Type=forward,TargetGroupArn=${tgArn}`);
  return { lbArn, tgArn };
}

/** The target group's targets and their health, as `describe-target-health` lists them. */
export async function targetHealth(server: BerthServer, tgArn: string): Promise<TargetHealthDescription[]> {
  return (await elbv2(server, "describe-target-health", "--target-group-arn", tgArn)).TargetHealthDescriptions as TargetHealthDescription[];
}

/**
 * Registers `family` through `--cli-input-json`: one container `web` of the test image, 32 MiB, port
 * 80 on a dynamic host port, running `command` when given. Returns the task definition's ARN.
 */
export async function registerWebOnDynamicPort(server: BerthServer, family: string, command?: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "berth-lb-"));
  try {
    const file = join(dir, "td.json");
    const web = { name: "web", image: testImage, memory: 32, ...(command && { command }), portMappings: [{ containerPort: 80, hostPort: 0 }] };
    writeFileSync(file, JSON.stringify({ family, containerDefinitions: [web] }));
    const out = await awsJson(() => server)("ecs", "register-task-definition", "--cli-input-json", `file://${file}`);
    return (out.taskDefinition as { taskDefinitionArn: string }).taskDefinitionArn;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Registers `family`: the test image's web server answering with the task metadata (v4) of its own
 * task (at `/`, `/a/` and `/b/`), so that a response names the task that gave it (taskIdOf).
 */
export function registerTaskIdWeb(server: BerthServer, family: string): Promise<string> {
  const script =
    'until wget -qO /www/index.html "$ECS_CONTAINER_METADATA_URI_V4/task"; do sleep 1; done; ' +
    "mkdir -p /www/a /www/b && cp /www/index.html /www/a/ && cp /www/index.html /www/b/; exec serve";
  return registerWebOnDynamicPort(server, family, ["sh", "-c", script]);
}

/** The task id in a task metadata document (`TaskARN`): which task answered. */
export function taskIdOf(body: string): string {
  const doc = JSON.parse(body) as { TaskARN?: string };
  return doc.TaskARN?.split("/").at(-1) ?? `(no TaskARN in ${body.slice(0, 100)})`;
}
