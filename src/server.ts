import { checkDownload } from "./registry/download-url.js";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import { AgentHub, agentPath } from "./agent-hub/hub.js";
import { FirewallPublisher } from "./agent-hub/firewall-publisher.js";
import { ec2Service } from "./api/ec2/service.js";
import { createJsonDispatcher } from "./api/aws-json/dispatcher.js";
import { createQueryDispatcher } from "./api/aws-query/dispatcher.js";
import { berthService } from "./api/berth/service.js";
import { ecrService } from "./api/ecr/service.js";
import { ecsService } from "./api/ecs/service.js";
import { eventsService } from "./api/events/service.js";
import { logsService } from "./api/logs/service.js";
import { startLogRetention } from "./controller/log-retention.js";
import { cloudWatchCborService, cloudWatchJsonService, cloudWatchQueryService } from "./api/cloudwatch/service.js";
import { ScheduleRunner } from "./controller/schedules/runner.js";
import { EcsEventRunner } from "./controller/ecs-events/runner.js";
import { createRestJsonDispatcher } from "./api/rest-json/dispatcher.js";
import { schedulerService } from "./api/scheduler/service.js";
import { bindApiPort, type ApiPort } from "./api/api-port.js";
import { isClientAbort } from "./api/http-server.js";
import { createCborDispatcher } from "./api/rpc-v2-cbor/dispatcher.js";
import { stsService } from "./api/sts/service.js";
import { elbv2Service } from "./api/elbv2/service.js";
import { newId } from "./domain/ids.js";
import { DataPlane } from "./lb/data-plane.js";
import { LoadBalancingController } from "./controller/load-balancing/controller.js";
import { loadBalancerStopGate } from "./controller/load-balancing/stop-gate.js";
import { Authenticator } from "./auth/authenticator.js";
import { IamDirectory } from "./auth/iam-directory.js";
import { registryAuthorizer } from "./auth/registry-access.js";
import { SecretBox } from "./auth/secret-box.js";
import { iamService } from "./api/iam/service.js";
import { loadOrCreateCredentials, type AccessKey } from "./auth/credentials-file.js";
import type { ServerConfig } from "./config/server-config.js";
import { clusterArn } from "./domain/arn.js";
import { defaultClusterSettings } from "./domain/cluster.js";
import { LostTaskSweeper } from "./controller/lost-instances/sweeper.js";
import { ServiceRunner } from "./controller/services/runner.js";
import { startStoppedTaskRetention } from "./controller/stopped-task-retention.js";
import { PlacementIndex } from "./planner/placement-index.js";
import { Planner } from "./planner/planner.js";
import { SqliteStore } from "./state/sqlite/sqlite-store.js";
import { checkPassword, loadOrCreateTokenSecret, registryUser } from "./registry/auth-token.js";
import { BlobStore } from "./registry/blob-store.js";
import { createDistributionHandler } from "./registry/distribution-api.js";
import { startRegistryMaintenance } from "./registry/maintenance.js";
import { Registry } from "./registry/registry.js";
import { SqliteRegistryMetadata } from "./registry/sqlite-metadata.js";
import { excerpt } from "./observability/excerpt.js";
import { EcsMetricsCollector } from "./metrics/ecs-collector.js";
import { metricsRoute, serverMetrics, timedStore } from "./metrics/prometheus.js";
import { timedDoors } from "./metrics/api-timing.js";
import { AlarmEvaluator } from "./controller/alarms/runner.js";

export interface RunningServer {
  /** The endpoint clients use, e.g. http://127.0.0.1:4400. */
  readonly endpoint: string;
  readonly credentialsFile: string;
  readonly accessKey: AccessKey;
  /** Creates an ACTIVE cluster of that name unless there is one (`berth up` makes `default`). */
  ensureCluster(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The control plane: store, credentials, API front door, image registry, all on one port. The
 * port is bound first (by the caller, as `berth server` does before loading this module, or here):
 * a port in use stops the start before anything runs.
 */
export async function startServer(config: ServerConfig, logger: Logger, bound?: ApiPort): Promise<RunningServer> {
  const api = bound ?? (await bindApiPort(config, logger));
  try {
    return await start(config, logger, api);
  } catch (err) {
    await api.close();
    throw err;
  }
}

async function start(config: ServerConfig, logger: Logger, api: ApiPort): Promise<RunningServer> {
  const { refusals } = api;
  const http = api.front.server;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const credentialsFile = join(config.dataDir, "credentials");
  const accessKey = loadOrCreateCredentials(credentialsFile);
  const sqlite = new SqliteStore({ path: join(config.dataDir, "berth.db") });
  // AWS/ECS metrics from the agents' statistics; Berth's own series for /metrics (Prometheus).
  const ecsMetrics = new EcsMetricsCollector({
    store: sqlite,
    now: Date.now,
    logger: logger.child({ component: "metrics" }),
    tickMs: config.metricsFlushMs,
    staleAfterMs: 60_000,
    retentionMs: config.metricsRetentionMs,
  });
  const metrics = serverMetrics(ecsMetrics);
  const store = timedStore(sqlite, metrics);
  const partition = { region: config.region, accountId: config.accountId };
  const planner = new Planner(new PlacementIndex(store, (err) => logger.error({ err }, "placement index: a change could not be applied")), Math.random, (placed, reasons) => {
    metrics.placements.inc({ outcome: "placed", reason: "" }, placed);
    for (const reason of reasons) metrics.placements.inc({ outcome: "failed", reason });
  });
  // IAM: access-key secrets sealed under <data-dir>/iam-key, principals compiled and cached.
  const box = SecretBox.loadOrCreate(join(config.dataDir, "iam-key"));
  const iamDeps = { store, partition, box, directory: new IamDirectory({ store, partition, box }) };
  const authenticator = new Authenticator({ rootKey: accessKey, partition, iam: iamDeps.directory, agentCredential: (id) => store.read((tx) => tx.agentCredentials.get(id)) });

  // The image registry: blobs and its own SQLite file under <data-dir>/registry.
  const registryDir = join(config.dataDir, "registry");
  const blobs = new BlobStore({ dataDir: registryDir });
  await blobs.init();
  const registry = new Registry({
    blobs,
    metadata: new SqliteRegistryMetadata(join(registryDir, "registry.db")),
    clock: Date.now,
    uploadLimits: config.registryUploadLimits,
  });
  const tokenSecret = loadOrCreateTokenSecret(join(registryDir, "token-secret"));
  // host:port of this server as clients reach it, for repository URIs; set once listening.
  let registryAddress = "";
  // The endpoint agents and clients reach this server at (DiscoverPollEndpoint); set once listening.
  let apiEndpoint = "";
  const distribution = createDistributionHandler({
    registry,
    registryId: partition.accountId,
    // As with ECR, only GetAuthorizationToken's passwords open the registry: access keys do not.
    // The password names its principal, whom upload sessions are charged to.
    authenticate: (username, password) => {
      const check = checkPassword(tokenSecret, password, Date.now());
      if (!check.ok) refusals.count("RegistryCredentialsRefused", { username: excerpt(username), reason: check.reason }, "registry credentials refused");
      return Promise.resolve(username === registryUser && check.ok ? check.principal : undefined);
    },
    checkDownload: (token, repository, digest) => checkDownload(tokenSecret, token, repository, digest, Date.now()),
    authorize: registryAuthorizer(iamDeps.directory, partition),
    onError: (err, req) => {
      if (isClientAbort(err)) logger.debug({ method: excerpt(req.method), url: excerpt(req.url) }, "registry client went away");
      else logger.error({ err, method: excerpt(req.method), url: excerpt(req.url) }, "registry request failed");
    },
  });

  // CloudWatch: one operation table behind three front doors (Query, JSON 1.0, RPC v2 CBOR).
  const cloudWatch = { store, retentionMs: config.metricsRetentionMs };
  const awsJson = createJsonDispatcher({
    services: [
      cloudWatchJsonService(cloudWatch),
      ecsService({ store, planner, random: Math.random, endpoint: () => apiEndpoint }),
      ecrService({ registry, tokenSecret, registryAddress: () => registryAddress }),
      berthService({ store, iam: iamDeps, taskCredentialsLifetimeMs: config.taskCredentialsLifetimeMs }),
      eventsService({ store }),
      logsService({ store }),
    ],
    authenticator,
    partition,
    now: Date.now,
    logger,
    refusals,
  });
  const frontDoorOptions = { authenticator, partition, now: Date.now, logger, refusals };
  const lb = new DataPlane({ store, bindAddress: config.lbBindAddress, logger: logger.child({ component: "lb" }), now: Date.now, random: Math.random });
  // Security groups: the agents' view of rules and members, sent on connect and on every change.
  const firewall = new FirewallPublisher({ store, partition, logger: logger.child({ component: "firewall" }), now: Date.now, broadcast: (msg) => hub.broadcast(msg) });
  const hub = new AgentHub({ store, authenticator, partition, logger, now: Date.now, refusals, onStats: (instance, tasks) => ecsMetrics.record(instance, tasks), greeting: () => firewall.current() });
  const lostTasks = new LostTaskSweeper({ store, lostAfterMs: config.agentLostAfterMs, now: Date.now, logger: logger.child({ component: "lost-tasks" }) });
  try {
    await lostTasks.start();
    await ecsMetrics.start();
    await lb.start();
    await firewall.start();
    // Before the agent channel opens: every instance waits for its agent to come back.
    await hub.markAllDisconnected();
  } catch (err) {
    lostTasks.stop();
    firewall.stop();
    await ecsMetrics.stop();
    hub.close();
    await lb.close();
    await registry.metadata.close();
    await store.close();
    throw err;
  }
  api.front.serve({
    api: timedDoors({
      awsJson,
      awsQuery: createQueryDispatcher({ services: [stsService(iamDeps), iamService(iamDeps), elbv2Service({ store, dataPlane: lb, newId }), cloudWatchQueryService(cloudWatch), ec2Service({ store, changed: () => firewall.groupsChanged(), inUse: (g) => firewall.inUse(g) })], ...frontDoorOptions }),
      rpcV2Cbor: createCborDispatcher({ services: [cloudWatchCborService(cloudWatch)], ...frontDoorOptions }),
      restJson: createRestJsonDispatcher({ services: [schedulerService({ store })], ...frontDoorOptions }),
    }, metrics),
    streaming: [
      { prefix: "/v2/", handle: distribution },
      { prefix: "/metrics", handle: metricsRoute(metrics) },
    ],
    upgrades: [{ prefix: agentPath, handle: (req, socket, head) => hub.handleUpgrade(req, socket, head) }],
  });
  const stopLogRetention = startLogRetention({ store, intervalMs: 60_000, now: Date.now, logger: logger.child({ component: "log-retention" }) });
  const stopRetention = startStoppedTaskRetention({
    store,
    retentionMs: config.stoppedTaskRetentionMs,
    intervalMs: Math.min(3_600_000, Math.max(1000, config.stoppedTaskRetentionMs / 10)),
    now: Date.now,
    logger,
  });
  const maintenance = startRegistryMaintenance({
    registry,
    registryId: partition.accountId,
    intervalMs: config.registryGcIntervalMs,
    gc: { blobGraceMs: config.registryBlobGraceMs },
    uploadSweepIntervalMs: Math.min(60_000, Math.max(1000, config.registryUploadLimits.idleTimeoutMs / 4)),
    now: Date.now,
    logger: logger.child({ component: "registry" }),
  });
  const services = new ServiceRunner({
    store,
    planner,
    partition,
    logger: logger.child({ component: "services" }),
    now: Date.now,
    random: Math.random,
    settings: { lostAfterMs: config.agentLostAfterMs, healthyAfterMs: config.taskHealthyAfterMs },
    stopGate: loadBalancerStopGate({ changed: () => lb.changed() }),
  });
  const lbController = new LoadBalancingController({
    store,
    health: (arn) => lb.health(arn),
    changed: () => lb.changed(),
    logger: logger.child({ component: "load-balancing" }),
    now: Date.now,
  });
  lb.onHealthChange((e) => lbController.healthChanged(e.target, e.health));
  const alarms = new AlarmEvaluator({ store, now: Date.now, logger: logger.child({ component: "alarms" }), tickMs: config.alarmIntervalMs });
  alarms.start();
  const schedules = new ScheduleRunner({ store, planner, partition, logger: logger.child({ component: "schedules" }), now: Date.now, tickMs: config.scheduleTickMs, firstRunAfterMs: config.agentLostAfterMs });
  const ecsEvents = new EcsEventRunner({ store, planner, partition, logger: logger.child({ component: "ecs-events" }), now: Date.now });
  await ecsEvents.start();
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const endpoint = `${config.tls ? "https" : "http"}://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  registryAddress = config.registryHost ?? new URL(endpoint).host;
  apiEndpoint = endpoint;
  logger.info({ endpoint, dataDir: config.dataDir }, "berth server listening");

  return {
    endpoint,
    credentialsFile,
    accessKey,
    async ensureCluster(name) {
      await store.write(async (tx) => {
        const existing = await tx.clusters.get(name);
        if (existing?.status === "ACTIVE") return;
        const version = (existing?.version ?? 0) + 1;
        await tx.clusters.put({ name, arn: clusterArn(partition, name), status: "ACTIVE", settings: defaultClusterSettings, createdAtMs: Date.now(), version });
      });
    },
    async close() {
      stopRetention();
      stopLogRetention();
      lostTasks.stop();
      await services.stop();
      await lbController.stop();
      await lb.close();
      await schedules.stop();
      await ecsEvents.stop();
      await alarms.stop();
      firewall.stop();
      hub.close();
      await ecsMetrics.stop();
      await api.close();
      await maintenance.stop();
      await registry.metadata.close();
      await store.close();
    },
  };
}
