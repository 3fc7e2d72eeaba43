import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 (port 0) to a server's port: one "replica" of a control plane that the
 * test can kill the way `kill -9` kills a process (every connection reset, the port refusing
 * from then on). `upgrades` counts the agent channel's WebSocket upgrades that went through it.
 */
export async function killableProxy(target: { readonly host: string; readonly port: number }): Promise<{
  readonly port: number;
  readonly url: string;
  /** Agent channel upgrades (`GET /agent/v1/connect`) seen so far, with when. */
  readonly upgrades: readonly number[];
  readonly kill: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const upgrades: number[] = [];
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    client.once("data", (first: Buffer) => {
      if (first.toString("latin1").startsWith("GET /agent/v1/connect")) upgrades.push(Date.now());
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    upgrades,
    kill: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.resetAndDestroy();
      return closed;
    },
  };
}
