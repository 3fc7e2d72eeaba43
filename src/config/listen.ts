import type { Server } from "node:http";

/** Which setting changes a port, for the one line a user reads when the port cannot be bound. */
export interface PortSetting {
  /** What listens there, e.g. "the API", "the introspection API". */
  readonly what: string;
  /** The flag and environment variable that change it, e.g. "--port or BERTH_PORT". */
  readonly changeWith: string;
}

/**
 * Listens on `host:port` and resolves with the port bound, or throws one sentence naming the
 * address, what it is for, why it failed and the flag or variable that changes it: a port in use
 * must stop a command at start-up, not leave it running half-started. With `orFreePort` (a default
 * port, which another agent on the host may hold), a port in use is replaced by one the system picks.
 */
export async function listen(server: Server, port: number, host: string, setting: PortSetting, { orFreePort = false } = {}): Promise<number> {
  try {
    return await bind(server, port, host);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (orFreePort && err.code === "EADDRINUSE") return bind(server, 0, host);
    throw new Error(listenFailure(err, port, host, setting));
  }
}

function bind(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

export function listenFailure(err: NodeJS.ErrnoException, port: number, host: string, setting: PortSetting): string {
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const why =
    err.code === "EADDRINUSE"
      ? "the port is already in use"
      : err.code === "EACCES"
        ? "permission denied"
        : err.code === "EADDRNOTAVAIL"
          ? "this machine has no such address"
          : (err.code ?? err.message);
  return `cannot listen on ${address} for ${setting.what}: ${why}; choose another port with ${setting.changeWith}`;
}
