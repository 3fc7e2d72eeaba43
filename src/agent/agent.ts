import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import type { Server } from "node:http";
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
import type { VariableName } from "./config/variables.js";
import { introspectionServer, metadataServer } from "./host-servers.js";
import { listenOn } from "./listen.js";
import { PortAllocator } from "./ports.js";
import { RegistryAuth } from "./registry-auth.js";
import { newInstanceId, registrationRequest, type AgentState } from "./registration.js";
import { TaskManager } from "./task-manager.js";

export interface RunningAgent {
  readonly containerInstanceArn: string;
  /** The ports it serves on: the configured ones, or free ones when the defaults were taken. */
  readonly introspectionPort: number;
  readonly metadataPort: number;
  close(): Promise<void>;
}

/**
 * The Berth agent: registers this host as a container instance, re-adopts the containers it left
 * running, keeps the channel to the control plane open, runs tasks on Docker, and serves the
 * introspection API and the task metadata endpoint.
 */
export async function startAgent(config: AgentConfig, logger: Logger): Promise<RunningAgent> {
  if (!config.endpoint) throw new Error("the agent needs the server's URL: --endpoint or ECS_BACKEND_HOST");
  const region = config.region ?? "us-east-1";
  mkdirSync(config.dataDir, { recursive: true });
  const docker = new DockerClient({
    timeouts: { createMs: config.containerCreateTimeoutMs, startMs: config.containerStartTimeoutMs, pullMs: config.imagePullTimeoutMs },
  });
  const engine = { ...(await docker.version()), engineId: await docker.engineId() };

  const ecs = new ECSClient({
    endpoint: config.endpoint,
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
  const ecr = new ECRClient({ endpoint: config.endpoint, region, credentials });
  const registryAuth = new RegistryAuth({
    endpoint: config.endpoint,
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

  const gateway = await docker.bridgeGateway();
  let metadataPort = config.metadataPort;
  const metadataHost = gateway ?? "127.0.0.1";
  const allocator = new PortAllocator(config.dynamicHostPortRange, new Set(config.reservedPorts), randomStart(config.dynamicHostPortRange));
  // The channel and the task manager report to each other; neither calls the other before start().
  const channel = new AgentChannel({
    endpoint: config.endpoint,
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
    injectedEnv: (id) => ({ ECS_CONTAINER_METADATA_URI_V4: `http://${metadataHost}:${metadataPort}/v4/${id}` }),
    report: (r) => channel.report(r),
    logger: log,
    now: Date.now,
  });
  await tasks.adopt();
  tasks.watchDocker();

  // Several agents on one host: a default port another agent holds is replaced by a free one (said
  // in the log); a port the user chose must be free. Containers learn the metadata port at create,
  // so the servers listen before the channel brings any task.
  const servers: Server[] = [];
  const serve = (server: Server, port: number, host: string, variable: VariableName) => {
    servers.push(server);
    return listenOn(server, port, host, { orFreePort: config.settings.find((x) => x.variable === variable)?.source === "default" });
  };
  const introspectionPort = await serve(
    introspectionServer({ cluster: config.cluster, instanceArn: () => containerInstanceArn, tasks }),
    config.introspectionPort,
    "127.0.0.1",
    "BERTH_INTROSPECTION_PORT",
  );
  metadataPort = await serve(metadataServer({ cluster: config.cluster, tasks, docker }), config.metadataPort, "127.0.0.1", "BERTH_METADATA_PORT");
  if (gateway) {
    const onGateway = metadataServer({ cluster: config.cluster, tasks, docker });
    servers.push(onGateway);
    await listenOn(onGateway, metadataPort, gateway, { orFreePort: false }); // containers reach both at one port
  }
  if (introspectionPort !== config.introspectionPort || metadataPort !== config.metadataPort) {
    log.warn({ introspectionPort, metadataPort }, `default ports taken (another agent on this host?): introspection API on 127.0.0.1:${introspectionPort}, task metadata on port ${metadataPort}`);
  }

  channel.start();

  return {
    containerInstanceArn,
    introspectionPort,
    metadataPort,
    async close() {
      channel.stop();
      tasks.stop();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
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
