import { Command } from "commander";
import type { ECSClient, Service } from "@aws-sdk/client-ecs";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from "../aws-sdk/ecs.js";
import { parseGoDuration } from "../agent/config/go-duration.js";
import { deployStep } from "./client/deploy-progress.js";
import { ecsClientFor, withClientOptions } from "./client/ecs-client.js";
import { registrationOf } from "./client/register-input.js";
import { diffTaskDefinitions, formatChange } from "./client/task-definition-diff.js";

/**
 * `berth deploy SERVICE --image IMAGE [--container NAME]`: an image-only deploy. Registers a
 * revision of the service's task definition that differs only in that container's image, points
 * the service at it, and follows the deployment until it completes (exit 0) or fails (exit 1,
 * with ECS's reason, e.g. the circuit breaker's).
 */
export function deployCommand(): Command {
  const cmd = new Command("deploy")
    .description("deploy a new image to a service: new task definition revision, UpdateService, progress until done")
    .argument("<service>", "service name or ARN")
    .requiredOption("--image <image>", "the new image")
    .option("--container <name>", "the container to change (needed when the task has several)")
    .option("--timeout <duration>", "give up waiting after this long (default 30m)");
  return withClientOptions(cmd).action(async (serviceName: string, flags: Record<string, string | undefined>) => {
    const timeoutMs = parseGoDuration(flags.timeout ?? "30m");
    if (timeoutMs === undefined) throw new Error(`--timeout must be a duration such as 10m; got '${flags.timeout}'.`);
    const ecs = ecsClientFor(flags, process.env);
    const cluster = flags.cluster;
    const service = await describe(ecs, cluster, serviceName);
    const current = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition, include: ["TAGS"] }));
    const td = current.taskDefinition!;
    const containers = td.containerDefinitions ?? [];
    const name = flags.container ?? (containers.length === 1 ? containers[0]?.name : undefined);
    if (name === undefined) throw new Error(`${td.family}:${td.revision} has ${containers.length} containers (${containers.map((c) => c.name).join(", ")}); say which with --container.`);
    if (!containers.some((c) => c.name === name)) throw new Error(`${td.family}:${td.revision} has no container '${name}' (it has ${containers.map((c) => c.name).join(", ")}).`);
    const image = flags.image!;
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand(registrationOf(td, current.tags, containers.map((c) => (c.name === name ? { ...c, image } : c)))),
    );
    const next = registered.taskDefinition!;
    say(`registered ${next.family}:${next.revision}`);
    for (const change of diffTaskDefinitions(td, next)) say(`  ${formatChange(change)}`);
    const updated = await ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, taskDefinition: next.taskDefinitionArn }));
    const deploymentId = updated.service?.deployments?.find((d) => d.status === "PRIMARY")?.id;
    if (deploymentId === undefined) throw new Error("UpdateService returned no PRIMARY deployment");
    say(`service ${updated.service?.serviceName} deploying ${next.family}:${next.revision} (deployment ${deploymentId})`);
    await follow(ecs, cluster, serviceName, deploymentId, Date.now() + timeoutMs, new Set((updated.service?.events ?? []).map((e) => e.id ?? "")));
  });
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function describe(ecs: ECSClient, cluster: string | undefined, service: string): Promise<Service> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = out.services?.[0];
  if (found === undefined) throw new Error(`no service ${service}${cluster ? ` in cluster ${cluster}` : ""} (${out.failures?.[0]?.reason ?? "MISSING"})`);
  return found;
}

/** Prints new events and progress once a second until the deployment completes, fails or time runs out. */
async function follow(ecs: ECSClient, cluster: string | undefined, service: string, deploymentId: string, deadline: number, seen: Set<string>): Promise<void> {
  let last = "";
  for (;;) {
    const s = await describe(ecs, cluster, service);
    for (const e of [...(s.events ?? [])].reverse()) {
      if (e.id === undefined || seen.has(e.id)) continue;
      seen.add(e.id);
      say(`  event: ${e.message ?? ""}`);
    }
    const step = deployStep(s, deploymentId);
    if (step.line !== last) say(step.line);
    last = step.line;
    if (step.kind === "completed") {
      say(`deployment ${deploymentId} completed`);
      return;
    }
    if (step.kind === "failed") {
      process.stderr.write(`berth deploy: deployment ${deploymentId} failed: ${step.reason}\n`);
      process.exitCode = 1;
      return;
    }
    if (Date.now() > deadline) {
      process.stderr.write(`berth deploy: deployment ${deploymentId} still in progress after the timeout; it goes on without us\n`);
      process.exitCode = 1;
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
