import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 (port 0) to a Unix socket, that a test can cut off the way a network
 * partition does: `freeze()` stops passing bytes either way and keeps every connection open, so
 * neither side hears of it until its own timeouts.
 */
export async function frozenProxy(socketPath: string): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server = createServer((client) => {
    const upstream = connect(socketPath);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    const pass = (from: Socket, to: Socket) =>
      from.on("data", (chunk: Buffer) => {
        if (!frozen) to.write(chunk);
      });
    pass(client, upstream);
    pass(upstream, client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze: () => (frozen = true),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
