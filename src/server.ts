import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import { agentPath } from "./agent-hub/hub.js";
import { consoleRoute } from "./api/console-route.js";
import { bindApiPort, type ApiPort } from "./api/api-port.js";
import { loadOrCreateCredentials, type AccessKey } from "./auth/credentials-file.js";
import { IamDirectory } from "./auth/iam-directory.js";
import { SecretBox } from "./auth/secret-box.js";
import type { ServerConfig } from "./config/server-config.js";
import { dataDirFiles, registryDirOf } from "./data-dir.js";
import { metricsRoute, serverMetrics, timedStore } from "./metrics/prometheus.js";
import { RegionPlanes } from "./region-planes.js";
import { loadOrCreateTokenSecret } from "./registry/auth-token.js";

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
  const credentialsFile = join(config.dataDir, dataDirFiles.credentials);
  const accessKey = loadOrCreateCredentials(credentialsFile);
  // IAM's secrets are sealed under <data-dir>/iam-key; registry passwords and download URLs are
  // signed with one secret, each naming its region.
  const box = SecretBox.loadOrCreate(join(config.dataDir, dataDirFiles.iamKey));
  const registryDir = registryDirOf(config.dataDir);
  mkdirSync(registryDir, { recursive: true, mode: 0o700 });
  const tokenSecret = loadOrCreateTokenSecret(join(registryDir, dataDirFiles.tokenSecret));
  const homeStore = await RegionPlanes.openHomeStore(config.dataDir, config.region, config.store);
  // Berth's own series and the AWS/ECS ones of every region, for /metrics (Prometheus).
  let planes: RegionPlanes | undefined;
  const metrics = serverMetrics(() => planes?.all() ?? []);
  // IAM is global: its records live in the home region's store.
  const homePartition = { region: config.region, accountId: config.accountId };
  const iamStore = timedStore(homeStore, metrics);
  const iam = { store: iamStore, partition: homePartition, box, directory: new IamDirectory({ store: iamStore, partition: homePartition, box }) };
  // host:port of this server as clients reach it, for repository URIs; set once listening.
  let registryAddress = "";
  // The endpoint agents and clients reach this server at (DiscoverPollEndpoint); set once listening.
  let apiEndpoint = "";

  const shared = { config, logger, refusals, rootKey: accessKey, iam, tokenSecret, registryAddress: () => registryAddress, apiEndpoint: () => apiEndpoint, metrics };
  const regions = (planes = await RegionPlanes.start(shared, homeStore));
  api.front.serve({
    api: regions.doors(),
    streaming: [
      { prefix: "/v2/", handle: (req, res) => regions.distribution(req, res) },
      { prefix: "/metrics", handle: metricsRoute(metrics) },
      // The web console's files; the console itself talks to the API like any AWS client.
      consoleRoute(),
    ],
    upgrades: [{ prefix: agentPath, handle: (req, socket, head) => regions.upgrade(req, socket, head) }],
  });
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const endpoint = `${config.tls ? "https" : "http"}://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  registryAddress = config.registryHost ?? new URL(endpoint).host;
  apiEndpoint = endpoint;
  logger.info({ endpoint, dataDir: config.dataDir, region: config.region }, "berth server listening");

  return {
    endpoint,
    credentialsFile,
    accessKey,
    ensureCluster: (name) => regions.home.ensureCluster(name),
    async close() {
      // No new requests from here; the port closes once the planes' agent channels have ended.
      const portClosed = api.close();
      await regions.close();
      await portClosed;
    },
  };
}
