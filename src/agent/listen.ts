import type { Server } from "node:http";

/**
 * Listens on `port` at `host` and resolves with the port it got. With `orFreePort`, a port that is
 * taken (another agent on this host has the default) is replaced by one the system picks; without
 * it (the user chose the port), a taken port is an error that says so.
 */
export async function listenOn(server: Server, port: number, host: string, options: { readonly orFreePort: boolean }): Promise<number> {
  try {
    return await listen(server, port, host);
  } catch (e) {
    if (!options.orFreePort || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    return listen(server, 0, host);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}
