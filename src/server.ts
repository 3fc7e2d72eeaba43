import { mkdirSync, readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { join } from "node:path";
import type { Logger } from "pino";
import { AgentHub, agentPath } from "./agent-hub/hub.js";
import { createJsonDispatcher } from "./api/aws-json/dispatcher.js";
import { ecrService } from "./api/ecr/service.js";
import { ecsService } from "./api/ecs/service.js";
import { createQueryDispatcher } from "./api/aws-query/dispatcher.js";
import { createHttpServer } from "./api/http-server.js";
import { berthService } from "./api/berth/service.js";
import { Authenticator } from "./auth/authenticator.js";
import { createCborDispatcher } from "./api/rpc-v2-cbor/dispatcher.js";
import { stsService } from "./api/sts/service.js";
import { loadOrCreateCredentials, type AccessKey } from "./auth/credentials-file.js";
import type { ServerConfig } from "./config/server-config.js";
import { clusterArn } from "./domain/arn.js";
import { defaultClusterSettings } from "./domain/cluster.js";
import { LostTaskSweeper } from "./controller/lost-instances/sweeper.js";
import { ServiceRunner } from "./controller/services/runner.js";
import { startStoppedTaskRetention } from "./controller/stopped-task-retention.js";
import { PlacementIndex } from "./placement/placement-index.js";
import { ChangeFeed } from "./state/change-feed.js";
import { SqliteStore } from "./state/sqlite/sqlite-store.js";
import { checkPassword, loadOrCreateTokenSecret, registryUser } from "./registry/auth-token.js";
import { BlobStore } from "./registry/blob-store.js";
import { createDistributionHandler } from "./registry/distribution-api.js";
import { startRegistryMaintenance } from "./registry/maintenance.js";
import { Registry } from "./registry/registry.js";
import { SqliteRegistryMetadata } from "./registry/sqlite-metadata.js";

export interface RunningServer {
  /** The endpoint clients use, e.g. http://127.0.0.1:4400. */
  readonly endpoint: string;
  readonly credentialsFile: string;
  readonly accessKey: AccessKey;
  /** Creates an ACTIVE cluster of that name unless there is one (`berth up` makes `default`). */
  ensureCluster(name: string): Promise<void>;
  close(): Promise<void>;
}

/** The control plane: store, credentials, API front door, image registry, all on one port. */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const credentialsFile = join(config.dataDir, "credentials");
  const accessKey = loadOrCreateCredentials(credentialsFile);
  const store = new SqliteStore({ path: join(config.dataDir, "berth.db") });
  const partition = { region: config.region, accountId: config.accountId };
  const changes = new ChangeFeed();
  const placement = new PlacementIndex(changes);
  const authenticator = new Authenticator({ rootKey: accessKey, partition, agentCredential: (id) => store.read((tx) => tx.agentCredentials.get(id)) });

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
  const distribution = createDistributionHandler({
    registry,
    registryId: partition.accountId,
    // As with ECR, only GetAuthorizationToken's passwords open the registry: access keys do not.
    // The password names its principal, whom upload sessions are charged to.
    authenticate: (username, password) => {
      const check = checkPassword(tokenSecret, password, Date.now());
      if (!check.ok) logger.debug({ username, reason: check.reason }, "registry credentials refused");
      return Promise.resolve(username === registryUser && check.ok ? check.principal : undefined);
    },
    onError: (err, req) => logger.error({ err, method: req.method, url: req.url }, "registry request failed"),
  });

  const awsJson = createJsonDispatcher({
    services: [
      ecsService({ store, changes, random: Math.random, placement }),
      ecrService({ registry, tokenSecret, registryAddress: () => registryAddress }),
      berthService({ store }),
    ],
    authenticator,
    partition,
    now: Date.now,
    logger,
  });
  const frontDoorOptions = { authenticator, partition, now: Date.now, logger };
  const api = {
    awsJson,
    awsQuery: createQueryDispatcher({ services: [stsService()], ...frontDoorOptions }),
    rpcV2Cbor: createCborDispatcher({ services: [], ...frontDoorOptions }),
  };
  const tls = config.tls && { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  const http = createHttpServer({ api, streaming: [{ prefix: "/v2/", handle: distribution }], logger, tls });
  // A layer upload is one request and may take longer than Node's default 5-minute request limit.
  http.requestTimeout = 0;
  const hub = new AgentHub({ store, changes, authenticator, partition, logger, now: Date.now, placement });
  const lostTasks = new LostTaskSweeper({ store, changes, placement, lostAfterMs: config.agentLostAfterMs, now: Date.now, logger: logger.child({ component: "lost-tasks" }) });
  await lostTasks.start();
  await hub.markAllDisconnected();
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
    changes,
    placement,
    partition,
    logger: logger.child({ component: "services" }),
    now: Date.now,
    random: Math.random,
    settings: { lostAfterMs: config.agentLostAfterMs, healthyAfterMs: config.taskHealthyAfterMs },
  });
  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url?.startsWith(agentPath)) hub.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const endpoint = `${tls ? "https" : "http"}://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  registryAddress = new URL(endpoint).host;
  logger.info({ endpoint, dataDir: config.dataDir }, "berth server listening");

  return {
    endpoint,
    credentialsFile,
    accessKey,
    async ensureCluster(name) {
      await store.write(async (tx) => {
        if ((await tx.clusters.get(name))?.status === "ACTIVE") return;
        await tx.clusters.put({ name, arn: clusterArn(partition, name), status: "ACTIVE", settings: defaultClusterSettings, createdAtMs: Date.now() });
      });
    },
    async close() {
      stopRetention();
      lostTasks.stop();
      await services.stop();
      hub.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await maintenance.stop();
      await registry.metadata.close();
      await store.close();
    },
  };
}
