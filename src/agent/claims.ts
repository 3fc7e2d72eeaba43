import { createServer, type RequestListener, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { mkdirSync } from "node:fs";
import { listen, type PortSetting } from "../config/listen.js";
import type { AgentConfig } from "./config/agent-config.js";
import type { VariableName } from "./config/variables.js";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.js";

/**
 * A host port the agent binds before it registers, answering 503 until {@link HostPort.serve}
 * installs the real handler.
 */
export class HostPort {
  private handler: RequestListener = (_req, res) => {
    res.writeHead(503, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "the agent is starting" }));
  };
  readonly server: Server = createServer((req, res) => this.handler(req, res));
  /** The port bound: the one asked for, or the system's pick when it was a default already taken. */
  port = 0;

  static async bind(port: number, host: string, setting: PortSetting, options: { orFreePort?: boolean } = {}): Promise<HostPort> {
    const bound = new HostPort();
    bound.port = await listen(bound.server, port, host, setting, options);
    return bound;
  }

  serve(handler: RequestListener): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export const introspectionPortSetting: PortSetting = { what: "the introspection API", changeWith: "--introspection-port or BERTH_INTROSPECTION_PORT" };
export const metadataPortSetting: PortSetting = { what: "the task metadata endpoint", changeWith: "--metadata-port or BERTH_METADATA_PORT" };

/** What an agent holds before it loads, registers or adopts anything. */
export interface AgentClaims {
  readonly lock: DataDirLock;
  readonly introspection: HostPort;
  /** The metadata endpoint on 127.0.0.1 (the agent adds one on Docker's bridge gateway). */
  readonly metadata: HostPort;
  release(): Promise<void>;
}

/**
 * Claims the agent's data dir and its own ports on 127.0.0.1, in that order, or throws one line
 * saying which is taken and how to choose another. Two agents on one data dir, or an agent
 * without its 51678/51679 endpoints, never start. A port left at its default that another agent
 * on the host holds is replaced by a free one (several agents on one host); a port the user chose
 * must be free.
 */
export async function claimAgentResources(config: Pick<AgentConfig, "dataDir" | "introspectionPort" | "metadataPort" | "hostIp" | "settings">): Promise<AgentClaims> {
  await checkHostIp(config.hostIp);
  const byDefault = (variable: VariableName) => ({ orFreePort: config.settings.find((s) => s.variable === variable)?.source === "default" });
  mkdirSync(config.dataDir, { recursive: true });
  const lock = lockDataDir(config.dataDir);
  const ports: HostPort[] = [];
  try {
    const introspection = await HostPort.bind(config.introspectionPort, "127.0.0.1", introspectionPortSetting, byDefault("BERTH_INTROSPECTION_PORT"));
    ports.push(introspection);
    const metadata = await HostPort.bind(config.metadataPort, "127.0.0.1", metadataPortSetting, byDefault("BERTH_METADATA_PORT"));
    ports.push(metadata);
    return {
      lock,
      introspection,
      metadata,
      async release() {
        await Promise.all(ports.map((p) => p.close()));
        lock.release();
      },
    };
  } catch (err) {
    await Promise.all(ports.map((p) => p.close()));
    lock.release();
    throw err;
  }
}

/**
 * Throws one line when BERTH_HOST_IP is not an address of this machine: Docker would refuse to
 * publish every task's ports there ("cannot assign requested address"), one task at a time.
 */
export async function checkHostIp(hostIp: string): Promise<void> {
  if (hostIp === "0.0.0.0") return;
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (err: NodeJS.ErrnoException) => {
      const why = err.code === "EADDRNOTAVAIL" ? "this machine has no such address" : (err.code ?? err.message);
      reject(new Error(`cannot publish task ports on ${hostIp}: ${why}; choose another address with --host-ip or BERTH_HOST_IP (e.g. 127.0.0.2: all of 127.0.0.0/8 is this machine's on Linux)`));
    });
    probe.listen({ port: 0, host: hostIp, exclusive: true }, () => probe.close(() => resolve()));
  });
}
