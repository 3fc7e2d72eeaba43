import { existsSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import {
  ECSClient,
  RegisterContainerInstanceCommand,
  type RegisterContainerInstanceCommandInput,
  type RegisterContainerInstanceCommandOutput,
} from "@aws-sdk/client-ecs";
import type { Logger } from "pino";
import { AgentChannel } from "./channel.js";
import type { AgentConfig } from "./config/agent-config.js";
import { DockerClient } from "./docker/docker-client.js";
import { claimAgentResources, HostPort, metadataPortSetting, type AgentClaims } from "./claims.js";
import { introspectionHandler, metadataHandler } from "./host-servers.js";
import { PortAllocator } from "./ports.js";
import { RegistryAuth } from "./registry-auth.js";
import { newInstanceId, registrationRequest, type AgentState } from "./registration.js";
import { TaskManager } from "./task-manager.js";

export interface RunningAgent {
  readonly containerInstanceArn: string;
  close(): Promise<void>;
}

/**
 * The Berth agent: registers this host as a container instance, re-adopts the containers it left
 * running, keeps the channel to the control plane open, runs tasks on Docker, and serves the
 * introspection API and the task metadata endpoint.
 */
export async function startAgent(config: AgentConfig, logger: Logger, claimed?: AgentClaims): Promise<RunningAgent> {
  if (!config.endpoint) throw new Error("the agent needs the server's URL: --endpoint or ECS_BACKEND_HOST");
  const claims = claimed ?? (await claimAgentResources(config));
  const extra: HostPort[] = [];
  try {
    return await start(config, logger, claims, extra);
  } catch (err) {
    // Whatever failed, nothing stays half-started: no port held, the data dir free again.
    await Promise.all(extra.map((p) => p.close()));
    await claims.release();
    throw err;
  }
}

async function start(config: AgentConfig, logger: Logger, claims: AgentClaims, extra: HostPort[]): Promise<RunningAgent> {
  const endpoint = config.endpoint ?? "";
  const region = config.region ?? "us-east-1";
  const docker = new DockerClient({
    timeouts: { createMs: config.containerCreateTimeoutMs, startMs: config.containerStartTimeoutMs, pullMs: config.imagePullTimeoutMs },
  });
  const engine = await docker.version();
  const gateway = await docker.bridgeGateway();
  // Containers reach the metadata endpoint on Docker's bridge gateway: bound, like the others,
  // before the agent registers or adopts anything.
  if (gateway) extra.push(await HostPort.bind(config.metadataPort, gateway, metadataPortSetting));

  const ecs = new ECSClient({
    endpoint,
    region,
    ...(config.credentials && {
      credentials: {
        accessKeyId: config.credentials.accessKeyId,
        secretAccessKey: config.credentials.secretAccessKey.reveal(),
        sessionToken: config.credentials.sessionToken?.reveal(),
      },
    }),
  });
  const credentials = await ecs.config.credentials();
  // Images in the server's own registry are pulled with a token from its ECR API, as the ECS agent does with ECR.
  const ecr = new ECRClient({ endpoint, region, credentials });
  const registryAuth = new RegistryAuth({
    endpoint,
    now: Date.now,
    getAuthorizationToken: async () => {
      const data = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
      if (data?.authorizationToken === undefined || data.expiresAt === undefined) throw new Error("GetAuthorizationToken returned no token");
      return { authorizationToken: data.authorizationToken, expiresAtMs: data.expiresAt.getTime() };
    },
  });
  const statePath = join(config.dataDir, "agent-state.json");
  const previous = readState(statePath);
  const registered = await register(ecs, registrationRequest(config, previous, engine), logger);
  const containerInstanceArn = registered.containerInstance?.containerInstanceArn ?? "";
  writeState(statePath, { ...previous, containerInstanceArn });
  const log = logger.child({ containerInstance: containerInstanceArn });
  log.info({ cluster: config.cluster }, "registered");

  const metadataHost = gateway ?? "127.0.0.1";
  const allocator = new PortAllocator(config.dynamicHostPortRange, new Set(config.reservedPorts), randomStart(config.dynamicHostPortRange));
  // The channel and the task manager report to each other; neither calls the other before start().
  const channel = new AgentChannel({
    endpoint,
    region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    containerInstanceArn,
    logger: log,
    knownTasks: () => tasks.knownTasks(),
    onDesired: (specs, complete) => tasks.apply(specs, complete),
  });
  const tasks = new TaskManager({
    docker,
    ports: allocator,
    cluster: config.cluster,
    containerInstanceArn,
    pullBehavior: config.imagePullBehavior,
    registryAuth: (image) => registryAuth.authFor(image),
    defaultStopTimeoutSeconds: Math.round(config.containerStopTimeoutMs / 1000),
    cleanupWaitMs: config.taskCleanupWaitMs + Math.random() * config.taskCleanupWaitJitterMs,
    injectedEnv: (id) => ({ ECS_CONTAINER_METADATA_URI_V4: `http://${metadataHost}:${config.metadataPort}/v4/${id}` }),
    report: (r) => channel.report(r),
    logger: log,
    now: Date.now,
  });
  await tasks.adopt();
  tasks.watchDocker();

  channel.start();

  claims.introspection.serve(introspectionHandler({ cluster: config.cluster, instanceArn: () => containerInstanceArn, tasks }));
  for (const metadata of [claims.metadata, ...extra]) metadata.serve(metadataHandler({ cluster: config.cluster, tasks, docker }));

  return {
    containerInstanceArn,
    async close() {
      channel.stop();
      tasks.stop();
      await Promise.all(extra.map((p) => p.close()));
      await claims.release();
      ecs.destroy();
      ecr.destroy();
    },
  };
}

/**
 * Registers the instance, waiting for a control plane that is not up yet (backoff 250 ms to 30 s,
 * as the ECS agent does); an answer that the request itself is wrong (a 4xx) ends the agent with it.
 */
async function register(ecs: ECSClient, input: RegisterContainerInstanceCommandInput, logger: Logger): Promise<RegisterContainerInstanceCommandOutput> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ecs.send(new RegisterContainerInstanceCommand(input));
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== undefined && status >= 400 && status < 500) {
        const name = err instanceof Error ? err.name : "Error";
        const hint = name === "ClusterNotFoundException" ? ` Create it first: aws ecs create-cluster --cluster-name ${input.cluster ?? "default"}` : "";
        throw new Error(`could not register in cluster ${input.cluster ?? "default"}: ${name}: ${(err instanceof Error ? err.message : String(err)).replace(/\.$/, "")}.${hint}`);
      }
      const delay = Math.min(30_000, 250 * 2 ** attempt);
      logger.warn({ err: err instanceof Error ? err.message : String(err), retryInMs: delay }, "control plane not reachable; retrying registration");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function readState(path: string): AgentState {
  if (!existsSync(path)) return { instanceId: newInstanceId() };
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (typeof parsed !== "object" || parsed === null || !("instanceId" in parsed) || typeof parsed.instanceId !== "string") {
    throw new Error(`${path} is not an agent state file: remove it to register as a new instance`);
  }
  const arn = "containerInstanceArn" in parsed && typeof parsed.containerInstanceArn === "string" ? parsed.containerInstanceArn : undefined;
  return { instanceId: parsed.instanceId, containerInstanceArn: arn };
}

function writeState(path: string, state: AgentState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}

/** Agents sharing one machine start their dynamic ports at different places of the range. */
const randomStart = (r: { first: number; last: number }): number => r.first + Math.floor(Math.random() * (r.last - r.first + 1));
