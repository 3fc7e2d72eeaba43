import { existsSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { ContainerFiles } from "./container-files.js";
import { join } from "node:path";
import { CgroupV1 } from "./cgroups/cgroupfs.js";
import { ECRClient, GetAuthorizationTokenCommand } from "../aws-sdk/ecr.js";
import type { Logger } from "pino";
import { AgentChannel } from "./channel.js";
import type { AgentConfig } from "./config/agent-config.js";
import { DockerClient } from "./docker/docker-client.js";
import { LogShipping } from "./logs/log-shipping.js";
import { claimAgentResources, HostPort, metadataPortSetting, type AgentClaims } from "./claims.js";
import { introspectionHandler, metadataHandler } from "./host-servers.js";
import { registerWithIdentity } from "./identity.js";
import { PortAllocator } from "./ports.js";
import { RegistryAuth } from "./registry-auth.js";
import { newInstanceId, registrationRequest, type AgentState } from "./registration.js";
import { instanceLabel } from "./task-actor.js";
import { TaskManager } from "./task-manager.js";
import { StatsSampler } from "./stats/stats-sampler.js";
import { runningTasks } from "./stats/running-tasks.js";
import { trustFrom } from "./trust.js";
import { callBerth } from "./berth-call.js";
import { EndpointRotation, sdkEndpoint, withFailover } from "./endpoints.js";
import type { ProtectionCall } from "./task-protection-endpoint.js";
import { taskProtectionState } from "../agent-protocol/task-protection.js";
import { openCredentialsEndpoint } from "./task-credentials/endpoint.js";
import { credentialsAddress, credentialsPort } from "./task-credentials/link-local.js";
import { taskRoleCredentials, type TaskRoleType } from "../agent-protocol/task-credentials.js";
import { executionRolePulls } from "./task-credentials/execution-role-pulls.js";
import { executionRoleSecrets } from "./secrets/execution-role-stores.js";
import { Firewall } from "./firewall/firewall.js";
import { defaultSubnetNetworkIdleMs, SubnetNetworks } from "./subnet-networks.js";
import { PausePool } from "./pause-pool.js";
import { dnsDestinations } from "./firewall/dns-upstreams.js";
import { hostDnsUpstreams } from "./firewall/host-dns.js";
import { IptablesChain, securityGroupChain } from "./firewall/iptables.js";
import { protectedTasks } from "./firewall/protected-tasks.js";

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
 * introspection API and the task metadata endpoint. It registers with the operator's credential
 * (`input.credentials`, or the SDK's default chain) and then acts with its own (identity.ts): the
 * objects it keeps hold only the latter.
 */
export async function startAgent(input: AgentConfig, logger: Logger, claimed?: AgentClaims): Promise<RunningAgent> {
  if (input.endpoints.length === 0) throw new Error("the agent needs the server's URL: --endpoint or ECS_BACKEND_HOST");
  const claims = claimed ?? (await claimAgentResources(input));
  const extra: { close(): Promise<void> }[] = [];
  try {
    return await start(input, logger, claims, extra);
  } catch (err) {
    // Whatever failed, nothing stays half-started: no port held, the data dir free again.
    await Promise.all(extra.map((p) => p.close()));
    await claims.release();
    throw err;
  }
}

async function start(input: AgentConfig, logger: Logger, claims: AgentClaims, extra: { close(): Promise<void> }[]): Promise<RunningAgent> {
  // Nothing below that outlives this call (closures, clients, the channel) sees the operator's credential.
  const { credentials: operatorCredentials, ...config } = input;
  // One rotation for everything that talks to the control plane, so that all of it follows a failover.
  const endpoints = new EndpointRotation(config.endpoints);
  const region = config.region ?? "us-east-1";
  const trust = trustFrom(config.caBundle);
  const docker = new DockerClient({
    timeouts: { createMs: config.containerCreateTimeoutMs, startMs: config.containerStartTimeoutMs, pullMs: config.imagePullTimeoutMs },
  });
  const engine = { ...(await docker.version()), engineId: await docker.engineId() };
  const metadataPort = claims.metadata.port;
  const gateway = await docker.bridgeGateway();
  // Containers reach the metadata endpoint on Docker's bridge gateway: bound, like the others,
  // before the agent registers or adopts anything.
  // Containers reach both at one port, so the gateway's takes the port the loopback one got.
  const gatewayPort = gateway ? await HostPort.bind(metadataPort, gateway, metadataPortSetting) : undefined;
  if (gatewayPort) extra.push(gatewayPort);
  // Task roles' credentials at 169.254.170.2, when asked for: set up before registering, which says whether it works.
  const taskCredentials = await openCredentialsEndpoint(config, logger);
  extra.push(taskCredentials);

  // Task-level cpu and memory as hard limits of the whole task, where the host has cgroup v1 (agent/cgroups/).
  const cgroupV1 = new CgroupV1();
  // awsvpc subnets' Docker networks: kept while tasks of the subnet come and go, removed once idle or when the agent stops.
  const subnetNetworks = new SubnetNetworks({ docker, idleMs: defaultSubnetNetworkIdleMs, logger });
  const taskCgroups = config.taskCpuMemLimit && (await cgroupV1.available()) ? cgroupV1 : undefined;
  if (config.taskCpuMemLimit && taskCgroups === undefined) logger.warn("no cgroup v1 memory and cpu controllers: task-level limits apply per container only");

  const statePath = join(config.dataDir, "agent-state.json");
  const previous = readState(statePath);
  const operator = operatorCredentials && {
    accessKeyId: operatorCredentials.accessKeyId,
    secretAccessKey: operatorCredentials.secretAccessKey.reveal(),
    sessionToken: operatorCredentials.sessionToken?.reveal(),
  };
  const registered = await registerWithIdentity(registrationRequest(config, previous, engine, taskCredentials.attributes), {
    endpoints,
    region,
    operator,
    path: join(config.dataDir, "agent-credentials.json"),
    logger,
    trust,
  });
  const { containerInstanceArn } = registered;
  const credentials = { accessKeyId: registered.credential.accessKeyId, secretAccessKey: registered.credential.secretAccessKey };
  writeState(statePath, { ...previous, containerInstanceArn });
  const log = logger.child({ containerInstance: containerInstanceArn });
  log.info({ cluster: config.cluster, principal: registered.credential.principalArn }, "registered");

  // Images in the server's own registry are pulled with a token from its ECR API, as the ECS agent does with ECR.
  const ecr = new ECRClient({ endpoint: sdkEndpoint(endpoints), region, credentials, requestHandler: { httpsAgent: trust.httpsAgent } });
  const registryAuth = new RegistryAuth({
    endpoints: endpoints.all,
    now: Date.now,
    getAuthorizationToken: async () => {
      const data = (await withFailover(endpoints, () => ecr.send(new GetAuthorizationTokenCommand({})))).authorizationData?.[0];
      if (data?.authorizationToken === undefined || data.expiresAt === undefined) throw new Error("GetAuthorizationToken returned no token");
      return { authorizationToken: data.authorizationToken, expiresAtMs: data.expiresAt.getTime() };
    },
  });

  // Berth's own calls go to the current endpoint, and to the next at once when it cannot be reached.
  const berth = (operation: string, input: unknown) => withFailover(endpoints, (endpoint) => callBerth(endpoint, region, credentials, operation, input, trust, 10_000));
  const roleCredentials = async (taskArn: string, roleType: TaskRoleType) => taskRoleCredentials.parse(await berth("GetTaskRoleCredentials", { taskArn, roleType }));
  const protection: ProtectionCall = async (taskArn, update) =>
    taskProtectionState.parse(await berth("TaskProtection", { taskArn, ...(update && { protectionEnabled: update.enabled, expiresInMinutes: update.expiresInMinutes }) }));
  const executionRoleAuth = executionRolePulls({ endpoints, region, trust, fetch: roleCredentials, now: Date.now });

  // Lines go out as the task's execution role when it has one (its stream made before the container starts), else as the agent.
  const logShipping = new LogShipping({
    engine: docker,
    ownLabels: { [instanceLabel]: containerInstanceArn },
    dataDir: config.dataDir,
    endpoint: sdkEndpoint(endpoints),
    region,
    credentials,
    executionRoleCredentials: (taskArn) => roleCredentials(taskArn, "TaskExecution"),
    httpsAgent: trust.httpsAgent,
    logger: log.child({ component: "awslogs" }),
  });

  const metadataHost = gateway ?? "127.0.0.1";
  const allocator = new PortAllocator(config.dynamicHostPortRange, new Set(config.reservedPorts), { start: randomStart(config.dynamicHostPortRange), hostIp: config.hostIp });
  // Security groups of this agent's awsvpc tasks, in a chain of its own (agent/firewall/).
  const firewall: Firewall = new Firewall({
    sink: new IptablesChain(securityGroupChain(containerInstanceArn)),
    tasks: () => protectedTasks(tasks.actors.values()),
    // Open whatever a task's egress allows, as on ECS: task metadata on the bridge gateway, credentials at 169.254.170.2,
    // and the resolvers Docker's embedded DNS forwards a task's queries to (as the Amazon DNS server is on AWS).
    alwaysOpen: [
      ...(gateway ? [{ ip: gateway, protocol: "tcp", port: metadataPort } as const] : []),
      { ip: credentialsAddress, protocol: "tcp", port: credentialsPort },
      ...dnsDestinations(await hostDnsUpstreams()),
    ],
    logger: log.child({ component: "firewall" }),
  });
  // The channel and the task manager report to each other; neither calls the other before start().
  const channel = new AgentChannel({
    endpoints,
    region,
    credentials,
    ca: trust.ca,
    containerInstanceArn,
    logger: log,
    knownTasks: () => tasks.knownTasks(),
    onDesired: (specs, complete) => {
      taskCredentials.sync(specs, complete);
      tasks.apply(specs, complete);
      // An adopted task learns its groups from the manifest.
      firewall.tasksChanged();
    },
    onFirewall: (view) => firewall.update(view),
  });
  const pause = { image: config.pauseImage, command: config.pauseCommand?.split(" ").filter((w) => w !== "") };
  const pausePool =
    config.pausePoolSize === 0
      ? undefined
      : new PausePool({
          docker,
          networks: subnetNetworks,
          pause,
          labels: { [instanceLabel]: containerInstanceArn },
          perSubnet: config.pausePoolSize,
          maxSubnets: 4,
          idleMs: defaultSubnetNetworkIdleMs,
          // Off the claiming task's own start: its containers start in the next few hundred ms.
          refillDelayMs: 500,
          logger: log,
        });
  const tasks = new TaskManager({
    docker,
    ports: allocator,
    cluster: config.cluster,
    containerInstanceArn,
    hostIp: config.hostIp,
    pullBehavior: config.imagePullBehavior,
    // A task with an execution role pulls from Berth's registry as that role, as ECS pulls from ECR; others as the agent.
    registryAuth: (image, spec) => (spec.executionRoleArn === undefined ? registryAuth.authFor(image) : executionRoleAuth(image, spec.taskArn)),
    // …which is also the ECR of the tasks' account and region: their ECR image URIs are pulled from it.
    registryHost: () => new URL(endpoints.current()).host,
    // Secrets are read as the task's execution role, from the server's SSM and Secrets Manager, as ECS reads them.
    resolveSecrets: executionRoleSecrets({ endpoints, region, trust, fetch: roleCredentials }),
    defaultStopTimeoutSeconds: Math.round(config.containerStopTimeoutMs / 1000),
    sharedVolumeMatchFullConfig: config.sharedVolumeMatchFullConfig,
    pause,
    cgroups: taskCgroups,
    networks: subnetNetworks,
    pausePool,
    cleanupWaitMs: config.taskCleanupWaitMs + Math.random() * config.taskCleanupWaitJitterMs,
    injectedEnv: (id, spec) => ({
      ECS_CONTAINER_METADATA_URI_V4: `http://${metadataHost}:${metadataPort}/v4/${id}`,
      ECS_AGENT_URI: `http://${metadataHost}:${metadataPort}/api/${id}`,
      ...taskCredentials.envFor(spec),
    }),
    beforeStart: (dockerId, labels) => logShipping.initialize(dockerId, labels),
    restartCounts: new ContainerFiles(join(config.dataDir, "restart-counts")),
    report: (r) => {
      channel.report(r);
      // A task with a new address, or one stopped: its rules change.
      if (r.eni !== undefined || r.status === "STOPPED") firewall.tasksChanged();
    },
    logger: log,
    now: Date.now,
    after: (ms, fn) => setTimeout(fn, Math.max(0, ms)).unref(),
    networkGuard: (): Promise<void> => firewall.guard(),
  });
  await tasks.adopt();
  // What a crash left is replaced: the adopted tasks closed to new connections until the server's view arrives.
  await firewall.start();
  tasks.watchDocker();
  await logShipping.start();

  // The endpoints serve before the channel brings any task: a container may ask for its metadata at once.
  claims.introspection.serve(introspectionHandler({ cluster: config.cluster, instanceArn: () => containerInstanceArn, tasks }));
  for (const metadata of [claims.metadata, ...(gatewayPort ? [gatewayPort] : [])]) metadata.serve(metadataHandler({ cluster: config.cluster, tasks, docker, protection }));
  taskCredentials.serve({ actor: (arn) => tasks.actors.get(arn), inspect: (id) => docker.inspectContainer(id) }, roleCredentials);
  channel.start();
  const sampler = new StatsSampler({
    running: () => runningTasks(tasks.actors.values()),
    sample: (id) => docker.sampleStats(id),
    send: (usage) => channel.sendStats(usage),
    intervalMs: config.metricsIntervalMs,
    logger: log,
  });
  sampler.start();

  // Port 0 asks for any free port (berth up's managed-capacity agent does): only a port asked for and not had is news.
  const moved = (asked: number, got: number) => asked !== 0 && got !== asked;
  if (moved(config.introspectionPort, claims.introspection.port) || moved(config.metadataPort, metadataPort)) {
    log.warn(
      { introspectionPort: claims.introspection.port, metadataPort },
      `default ports taken (another agent on this host?): introspection API on 127.0.0.1:${claims.introspection.port}, task metadata on port ${metadataPort}`,
    );
  }

  return {
    containerInstanceArn,
    introspectionPort: claims.introspection.port,
    metadataPort,
    async close() {
      sampler.stop();
      channel.stop();
      tasks.stop();
      await firewall.stop();
      await pausePool?.stop();
      await subnetNetworks.stop();
      await logShipping.stop();
      await Promise.all(extra.map((p) => p.close()));
      await claims.release();
      ecr.destroy();
      trust.httpsAgent?.destroy();
    },
  };
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
