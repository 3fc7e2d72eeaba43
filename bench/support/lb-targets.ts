/**
 * Four HTTP targets in one process for the load balancer benchmark: each answers every request with
 * a 13-byte body and keeps connections alive. Prints its ports as one JSON line.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = Buffer.from("hello, berth\n");
const ports: number[] = [];
for (let i = 0; i < 4; i++) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  ports.push((server.address() as AddressInfo).port);
}
process.stdout.write(`${JSON.stringify(ports)}\n`);
