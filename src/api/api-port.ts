import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { listen } from "../config/listen.js";
import type { ServerConfig } from "../config/server-config.js";
import { RefusalLog } from "../observability/refusal-log.js";
import { createHttpServer, type HttpFront } from "./http-server.js";

/** The control plane's port, bound: refusals are counted from the first connection on. */
export interface ApiPort {
  readonly front: HttpFront;
  readonly refusals: RefusalLog;
  close(): Promise<void>;
}

/**
 * Binds `berth server`'s port before anything else starts (this module loads nothing heavy), so
 * that a port in use ends the command within moments, with one line naming the port and its flag.
 */
export async function bindApiPort(config: ServerConfig, logger: Logger): Promise<ApiPort> {
  const refusals = new RefusalLog({ logger, intervalMs: config.refusalLogIntervalMs });
  const tls = config.tls && { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  const front = createHttpServer({ logger, refusals, limits: config.http, tls });
  try {
    await listen(front.server, config.port, config.host, { what: "the API", changeWith: "--port or BERTH_PORT" });
  } catch (err) {
    refusals.stop();
    throw err;
  }
  return {
    front,
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        front.server.close(() => resolve());
        front.server.closeAllConnections();
        refusals.stop();
      }),
  };
}
