import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { mkdirSync } from "node:fs";
import { randomInt } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { FirewallPublisher } from "./agent-hub/firewall-publisher.js";
import { AgentHub } from "./agent-hub/hub.js";
import { ec2Service } from "./api/ec2/service.js";
import { createJsonDispatcher } from "./api/aws-json/dispatcher.js";
import { createQueryDispatcher } from "./api/aws-query/dispatcher.js";
import { berthService } from "./api/berth/service.js";
import { cloudWatchCborService, cloudWatchJsonService, cloudWatchQueryService } from "./api/cloudwatch/service.js";
import { ecrService } from "./api/ecr/service.js";
import { ecsService } from "./api/ecs/service.js";
import { elbv2Service } from "./api/elbv2/service.js";
import { eventsService } from "./api/events/service.js";
import type { FrontDoors } from "./api/front-doors.js";
import type { IamDeps } from "./api/iam/deps.js";
import { iamService } from "./api/iam/service.js";
import { logsService } from "./api/logs/service.js";
import { createRestJsonDispatcher } from "./api/rest-json/dispatcher.js";
import { createCborDispatcher } from "./api/rpc-v2-cbor/dispatcher.js";
import { schedulerService } from "./api/scheduler/service.js";
import { ssmService } from "./api/ssm/service.js";
import { secretPolicies } from "./api/secretsmanager/resource-policies.js";
import { secretsManagerService } from "./api/secretsmanager/service.js";
import { stsService } from "./api/sts/service.js";
import { Authenticator } from "./auth/authenticator.js";
import type { AccessKey } from "./auth/credentials-file.js";
import { registryAuthorizer } from "./auth/registry-access.js";
import { RepositoryPolicies } from "./auth/repository-policies.js";
import { isClientAbort } from "./api/http-server.js";
import { excerpt } from "./observability/excerpt.js";
import type { ServerConfig } from "./config/server-config.js";
import { AlarmEvaluator } from "./controller/alarms/runner.js";
import { AutoScalingRunner } from "./controller/autoscaling/runner.js";
import { applicationAutoScalingService } from "./api/application-autoscaling/service.js";
import { EcsEventRunner } from "./controller/ecs-events/runner.js";
import { LoadBalancingController } from "./controller/load-balancing/controller.js";
import { loadBalancerStopGate } from "./controller/load-balancing/stop-gate.js";
import { startLogRetention } from "./controller/log-retention.js";
import { startSecretDeletion } from "./controller/secret-deletion.js";
import { LostTaskSweeper } from "./controller/lost-instances/sweeper.js";
import { OrphanedAgentSweep } from "./controller/lost-instances/orphaned-agents.js";
import { ScheduleRunner } from "./controller/schedules/runner.js";
import { ServiceRunner } from "./controller/services/runner.js";
import { startStoppedTaskRetention } from "./controller/stopped-task-retention.js";
import { dataDirFiles, registryDirOf } from "./data-dir.js";
import { clusterArn, type Partition } from "./domain/arn.js";
import { defaultClusterSettings } from "./domain/cluster.js";
import { newId } from "./domain/ids.js";
import { DataPlane } from "./lb/data-plane.js";
import { timedDoors } from "./metrics/api-timing.js";
import { MetricsCollector } from "./metrics/collector.js";
import { elbMetrics } from "./metrics/elb-metrics.js";
import { timedStore, type ServerMetrics } from "./metrics/prometheus.js";
import type { RefusalLog } from "./observability/refusal-log.js";
import { PlacementIndex } from "./planner/placement-index.js";
import { Planner } from "./planner/planner.js";
import { ClusterCounts } from "./api/ecs/cluster-counts.js";
import { checkPassword, registryUser } from "./registry/auth-token.js";
import { BlobStore } from "./registry/blob-store.js";
import { createDistributionHandler, type RequestHandler } from "./registry/distribution-api.js";
import { checkDownload } from "./registry/download-url.js";
import { startRegistryMaintenance } from "./registry/maintenance.js";
import { Registry } from "./registry/registry.js";
import { Replicator } from "./registry/replication/replicator.js";
import type { RegistryMetadata } from "./registry/metadata.js";
import { PostgresRegistryMetadata } from "./registry/postgres-metadata.js";
import { SqliteRegistryMetadata } from "./registry/sqlite-metadata.js";
import { ownRegistry } from "./registry/own-registry.js";
import { LeaderControllers, type Controllers } from "./controller/leader-controllers.js";
import { soleLeader, type Leadership } from "./state/leadership.js";
import { PostgresStore } from "./state/postgres/postgres-store.js";
import type { Store } from "./state/store.js";

/** What every region of one server shares: the port's refusals, the root key, IAM, the image registry, Prometheus. */
export interface SharedParts {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly refusals: RefusalLog;
  readonly rootKey: AccessKey;
  /** IAM is global, as in AWS: its users, roles and policies live in the home region's store. */
  readonly iam: IamDeps;
  /** Signs registry passwords and download URLs; each names the region whose registry honours it. */
  readonly tokenSecret: Buffer;
  /** host:port of the registry as clients reach it, for repository URIs. */
  readonly registryAddress: () => string;
  /** The endpoint agents and clients reach this server at (DiscoverPollEndpoint). */
  readonly apiEndpoint: () => string;
  readonly metrics: ServerMetrics;
}

/** One region served by the server: its own store, planner, agents and controllers. */
export interface RegionalPlane {
  readonly region: string;
  /** The AWS front doors of this region's services (timed). */
  readonly doors: FrontDoors;
  /** Its AWS/ECS and load balancer metrics. */
  readonly collector: MetricsCollector;
  /** Its load balancers' listeners: their traffic and targets' health, for /metrics. */
  readonly dataPlane: Pick<DataPlane, "trafficTotals" | "attachments">;
  /** This region's image registry (`/v2/`), for requests whose password or download URL names this region. */
  readonly distribution: RequestHandler;
  /** This region's image registry itself: replication from other regions writes into it. */
  readonly registry: Registry;
  /** The agent channel's WebSocket upgrade, for agents whose signature names this region. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Creates an ACTIVE cluster of that name unless there is one (`berth up` makes `default`). */
  ensureCluster(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts one region's control plane on `state` (which it owns from here on: closed by `close`, or
 * when the start fails), its registry under `<dir>/registry`. Nothing listens yet: the server
 * routes requests to the plane by the region their signature names.
 */
export async function startRegionalPlane(
  shared: SharedParts,
  region: string,
  dir: string,
  state: Store,
  /** Another region's registry, for replication (the region planes start it on demand). */
  registryOf: (region: string) => Promise<Registry>,
): Promise<RegionalPlane> {
  const { config, refusals, metrics } = shared;
  const logger = shared.logger.child({ region });
  const partition: Partition = { region, accountId: config.accountId };
  // With a shared PostgreSQL store, this process is one replica of several, named for its host and process.
  const replicated = state instanceof PostgresStore ? { store: state, replica: `${hostname()}:${process.pid}:${newId().slice(0, 8)}` } : undefined;
  // The image registry: blobs under <dir>/registry; its metadata in its own SQLite file there, or,
  // with a shared PostgreSQL store, beside the store's tables, where every replica sees it (the
  // replicas share the data directory, and so the blobs).
  const registryDir = registryDirOf(dir);
  let metadata: RegistryMetadata;
  try {
    mkdirSync(registryDir, { recursive: true, mode: 0o700 });
    metadata = replicated
      ? await PostgresRegistryMetadata.open({ url: replicated.store.url, schema: replicated.store.schema })
      : new SqliteRegistryMetadata(join(registryDir, dataDirFiles.registryDb));
  } catch (err) {
    await state.close();
    throw err;
  }
  const blobs = new BlobStore({ dataDir: registryDir });
  const registry = new Registry({ blobs, metadata, clock: Date.now, uploadLimits: config.registryUploadLimits });
  // Repository policies, compiled once and forgotten on every write of one (auth/repository-policies.ts).
  const repositoryPolicies = new RepositoryPolicies(partition, async (name) => {
    const repo = await metadata.getRepository(name);
    return repo === undefined ? false : repo.repositoryPolicyText;
  });
  metadata.onPolicyChange((name) => repositoryPolicies.forget(name));
  const replicator = new Replicator({ registry, destination: registryOf, now: Date.now, logger: logger.child({ component: "replication" }) });
  const store = timedStore(state, metrics);
  const planner = new Planner(new PlacementIndex(store, (err) => logger.error({ err }, "placement index: a change could not be applied")), Math.random, (placed, reasons) => {
    metrics.placements.inc({ outcome: "placed", reason: "" }, placed);
    for (const reason of reasons) metrics.placements.inc({ outcome: "failed", reason });
  });
  // DescribeClusters' task and service counts, from memory after a cluster's first call.
  const clusterCounts = new ClusterCounts(store, (err) => logger.error({ err }, "cluster counts: a change could not be applied"));
  const authenticator = new Authenticator({ rootKey: shared.rootKey, partition, iam: shared.iam.directory, agentCredential: (id) => store.read((tx) => tx.agentCredentials.get(id)) });
  const lb = new DataPlane({ store, bindAddress: config.lbBindAddress, logger: logger.child({ component: "lb" }), now: Date.now, random: Math.random, workers: { count: config.lbWorkers, logLevel: config.logLevel } });
  // AWS/ECS metrics from the agents' statistics; the load balancers' from their traffic and health.
  const collector = new MetricsCollector({
    store: state,
    now: Date.now,
    logger: logger.child({ component: "metrics" }),
    tickMs: config.metricsFlushMs,
    staleAfterMs: 60_000,
    retentionMs: config.metricsRetentionMs,
    sources: [() => elbMetrics(lb.metricInputs())],
  });
  // Security groups: the agents' view of rules and members, sent on connect and on every change.
  const firewall = new FirewallPublisher({ store, partition, logger: logger.child({ component: "firewall" }), now: Date.now, broadcast: (msg) => hub.broadcast(msg) });
  const hub = new AgentHub({ store, authenticator, partition, logger, now: Date.now, refusals, replica: replicated?.replica, onStats: (instance, tasks) => collector.record(instance, tasks), greeting: () => firewall.current() });
  // The agents away at the start (all of them, marked so below) get the reattach grace before any counts as lost.
  const lost = { lostAfterMs: config.agentLostAfterMs, startedAtMs: Date.now(), reattachGraceMs: config.agentReattachGraceMs };
  // One replica leads the controllers; with SQLite it is this one, from start to end.
  const leadership = replicated ? startLease(replicated.store, replicated.replica, logger) : soleLeader(state);
  try {
    await blobs.init();
    await collector.start();
    await lb.start();
    await firewall.start();
    // Before the agent channel opens: every instance waits for its agent to come back. Not with a
    // shared database: the other replicas' agents are still connected to them.
    if (!replicated) await hub.markAllDisconnected(lost.startedAtMs);
  } catch (err) {
    await leadership.close();
    firewall.stop();
    clusterCounts.close();
    await collector.stop();
    hub.close();
    await lb.close();
    await registry.metadata.close();
    await store.close();
    throw err;
  }
  const distribution = regionalRegistry(shared, partition, registry, repositoryPolicies);

  const secretPolicyOf = secretPolicies(store, partition);
  // CloudWatch: one operation table behind three front doors (Query, JSON 1.0, RPC v2 CBOR).
  const cloudWatch = { store, retentionMs: config.metricsRetentionMs };
  const doorOptions = { authenticator, partition, now: Date.now, logger, refusals };
  const doors = timedDoors(
    {
      awsJson: createJsonDispatcher({
        services: [
          cloudWatchJsonService(cloudWatch),
          ecsService({ store, planner, random: Math.random, endpoint: shared.apiEndpoint, counts: clusterCounts }),
          ecrService({ registry, replicator, tokenSecret: shared.tokenSecret, registryAddress: shared.registryAddress }),
          berthService({ store, iam: shared.iam, taskCredentialsLifetimeMs: config.taskCredentialsLifetimeMs }),
          eventsService({ store }),
          logsService({ store }),
          // Parameter Store: SecureString values sealed with the box that seals IAM's secrets (<data-dir>/iam-key).
          ssmService({ store, box: shared.iam.box }),
          secretsManagerService({ store, box: shared.iam.box, randomInt }),
          applicationAutoScalingService({ store, newId, trackingAlarms: { periodSeconds: 60, highPeriods: config.targetTrackingPeriods.high, lowPeriods: config.targetTrackingPeriods.low } }),
        ],
        ...doorOptions,
        // An ECR repository's policy, or a secret's.
        resourcePolicy: async (resource) => (await repositoryPolicies.forResource(resource)) ?? (await secretPolicyOf(resource)),
      }),
      awsQuery: createQueryDispatcher({
        services: [stsService(shared.iam), iamService(shared.iam), elbv2Service({ store, dataPlane: lb, newId }), cloudWatchQueryService(cloudWatch),
          ec2Service({ store, changed: () => firewall.groupsChanged(), inUse: (g) => firewall.inUse(g) }),
        ],
        ...doorOptions,
      }),
      rpcV2Cbor: createCborDispatcher({ services: [cloudWatchCborService(cloudWatch)], ...doorOptions }),
      restJson: createRestJsonDispatcher({ services: [schedulerService({ store })], ...doorOptions }),
    },
    metrics,
  );

  /** The controllers, running while this replica leads; they write through the fenced store. */
  const startControllers = async (): Promise<Controllers> => {
    const store = timedStore(leadership.store, metrics);
    const lostTasks = new LostTaskSweeper({ store, ...lost, now: Date.now, logger: logger.child({ component: "lost-tasks" }) });
    await lostTasks.start();
    // Several replicas: the agents of one that died are nobody's to record away but the leader's.
    const { replicas, silentAfterMs = 0 } = leadership;
    const orphanedAgents = replicas && new OrphanedAgentSweep({ store, replicas, silentAfterMs, everyMs: 1000, now: Date.now, logger: logger.child({ component: "orphaned-agents" }) });
    await orphanedAgents?.start();
    const stopLogRetention = startLogRetention({ store, intervalMs: 60_000, now: Date.now, logger: logger.child({ component: "log-retention" }) });
    const stopSecretDeletion = startSecretDeletion({ store, intervalMs: 60_000, now: Date.now, logger: logger.child({ component: "secret-deletion" }) });
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
      settings: { ...lost, healthyAfterMs: config.taskHealthyAfterMs },
      stopGate: loadBalancerStopGate({ changed: () => lb.changed() }),
      // Images there are named by the address users push to or the one agents pull from (set once the server listens).
      registry: ownRegistry(metadata, { hosts: () => [shared.registryAddress(), shared.apiEndpoint() === "" ? "" : new URL(shared.apiEndpoint()).host], ...partition }),
    });
    const lbController = new LoadBalancingController({
      store,
      health: (arn) => lb.health(arn),
      changed: () => lb.changed(),
      logger: logger.child({ component: "load-balancing" }),
      now: Date.now,
    });
    // Application Auto Scaling: alarm actions naming scaling policies, and scheduled actions.
    const autoScaling = new AutoScalingRunner({ store, now: Date.now, logger: logger.child({ component: "autoscaling" }), tickMs: config.scheduleTickMs, newId });
    autoScaling.start();
    const alarms = new AlarmEvaluator({ store, now: Date.now, logger: logger.child({ component: "alarms" }), tickMs: config.alarmIntervalMs, onEvaluated: (a, newest) => autoScaling.alarmEvaluated(a, newest) });
    alarms.start();
    const schedules = new ScheduleRunner({ store, planner, partition, logger: logger.child({ component: "schedules" }), now: Date.now, tickMs: config.scheduleTickMs, firstRunAfterMs: config.agentLostAfterMs });
    const ecsEvents = new EcsEventRunner({ store, planner, partition, logger: logger.child({ component: "ecs-events" }), now: Date.now });
    await ecsEvents.start();
    return {
      healthChanged: (target, health) => lbController.healthChanged(target, health),
      async stop() {
        stopRetention();
        stopLogRetention();
        stopSecretDeletion();
        lostTasks.stop();
        orphanedAgents?.stop();
        await services.stop();
        await lbController.stop();
        await schedules.stop();
        await ecsEvents.stop();
        await alarms.stop();
        await autoScaling.stop();
        await maintenance.stop();
      },
    };
  };
  const controllers = new LeaderControllers(leadership, startControllers, logger);
  lb.onHealthChange((e) => controllers.current?.healthChanged(e.target, e.health));
  await controllers.start();

  return {
    region,
    doors,
    collector,
    dataPlane: lb,
    distribution,
    registry,
    upgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
    async ensureCluster(name) {
      await store.write(async (tx) => {
        const existing = await tx.clusters.get(name);
        if (existing?.status === "ACTIVE") return;
        const version = (existing?.version ?? 0) + 1;
        await tx.clusters.put({ name, arn: clusterArn(partition, name), status: "ACTIVE", settings: defaultClusterSettings, createdAtMs: Date.now(), version });
      });
    },
    async close() {
      await controllers.stop();
      await leadership.close();
      await lb.close();
      firewall.stop();
      hub.close();
      clusterCounts.close();
      await collector.stop();
      await replicator.close();
      await registry.metadata.close();
      await store.close();
    },
  };
}

/** This replica's lease on a shared PostgreSQL store. */
function startLease(store: PostgresStore, holder: string, logger: Logger): Leadership {
  const lease = store.lease({ holder, onError: (err) => logger.debug({ err }, "leader lease: no answer from the database") });
  lease.start();
  return lease;
}

/**
 * The `/v2/` API of a region's registry. As with ECR, only GetAuthorizationToken's passwords open
 * it, and only those issued in this region: access keys do not. The password names its principal,
 * whom upload sessions are charged to.
 */
function regionalRegistry({ tokenSecret, refusals, iam, logger }: SharedParts, partition: Partition, registry: Registry, policies: RepositoryPolicies): RequestHandler {
  return createDistributionHandler({
    registry,
    registryId: partition.accountId,
    authenticate: (username, password) => {
      const check = checkPassword(tokenSecret, password, Date.now());
      const inRegion = check.ok && (check.region ?? partition.region) === partition.region;
      if (!inRegion) refusals.count("RegistryCredentialsRefused", { username: excerpt(username), reason: check.ok ? "another-region" : check.reason }, "registry credentials refused");
      return Promise.resolve(username === registryUser && inRegion ? check.principal : undefined);
    },
    checkDownload: (token, repository, digest) => {
      const download = checkDownload(tokenSecret, token, repository, digest, Date.now());
      return download?.region === partition.region ? download.principal : undefined;
    },
    authorize: registryAuthorizer(iam.directory, partition, policies),
    onError: (err, req) => {
      if (isClientAbort(err)) logger.debug({ method: excerpt(req.method), url: excerpt(req.url) }, "registry client went away");
      else logger.error({ err, method: excerpt(req.method), url: excerpt(req.url) }, "registry request failed");
    },
  });
}
