import { mkdirSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { join } from "node:path";
import type { Logger } from "pino";
import { AgentHub, agentPath } from "./agent-hub/hub.js";
import { createJsonDispatcher } from "./api/aws-json/dispatcher.js";
import { ecsService } from "./api/ecs/service.js";
import { createHttpServer } from "./api/http-server.js";
import { loadOrCreateCredentials, type AccessKey } from "./api/sigv4/credentials-file.js";
import type { ServerConfig } from "./config/server-config.js";
import { clusterArn } from "./domain/arn.js";
import { defaultClusterSettings } from "./domain/cluster.js";
import { ServiceRunner } from "./controller/services/runner.js";
import { startStoppedTaskRetention } from "./controller/stopped-task-retention.js";
import { PlacementIndex } from "./placement/placement-index.js";
import { ChangeFeed } from "./state/change-feed.js";
import { SqliteStore } from "./state/sqlite/sqlite-store.js";

export interface RunningServer {
  /** The endpoint clients use, e.g. http://127.0.0.1:4400. */
  readonly endpoint: string;
  readonly credentialsFile: string;
  readonly accessKey: AccessKey;
  /** Creates an ACTIVE cluster of that name unless there is one (`berth up` makes `default`). */
  ensureCluster(name: string): Promise<void>;
  close(): Promise<void>;
}

/** The control plane: store, credentials, API front door, all on one port. */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const credentialsFile = join(config.dataDir, "credentials");
  const accessKey = loadOrCreateCredentials(credentialsFile);
  const store = new SqliteStore({ path: join(config.dataDir, "berth.db") });
  const partition = { region: config.region, accountId: config.accountId };
  const changes = new ChangeFeed();
  const placement = new PlacementIndex(changes);
  const secrets = new Map([[accessKey.accessKeyId, accessKey.secretAccessKey]]);

  const awsJson = createJsonDispatcher({
    services: [ecsService({ store, changes, random: Math.random, placement })],
    secrets,
    partition,
    now: Date.now,
    logger,
  });
  const http = createHttpServer({ awsJson, logger });
  const hub = new AgentHub({ store, changes, secrets, partition, logger, now: Date.now, placement });
  await hub.markAllDisconnected();
  const stopRetention = startStoppedTaskRetention({
    store,
    retentionMs: config.stoppedTaskRetentionMs,
    intervalMs: Math.min(3_600_000, Math.max(1000, config.stoppedTaskRetentionMs / 10)),
    now: Date.now,
    logger,
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
  const endpoint = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
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
      await services.stop();
      hub.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await store.close();
    },
  };
}
