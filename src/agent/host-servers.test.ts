import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import type { DockerClient } from "./docker/docker-client.js";
import { introspectionHandler, metadataHandler } from "./host-servers.js";
import type { TaskManager } from "./task-manager.js";

/** Sends one raw request and resolves with the status line's code. */
function rawStatus(server: Server, request: string): Promise<number> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let got = "";
    socket.on("data", (c: Buffer) => (got += c.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0)));
  });
}

const noTasks = { actors: new Map() } as unknown as TaskManager;

describe("the agent's host servers take any request target", () => {
  for (const [name, make] of [
    ["introspection (51678)", () => createServer(introspectionHandler({ cluster: "c", instanceArn: () => undefined, tasks: noTasks }))],
    ["task metadata (51679)", () => createServer(metadataHandler({ cluster: "c", tasks: noTasks, docker: {} as DockerClient }))],
  ] as const) {
    it(`${name}: a target the URL parser rejects (GET //[) is answered, and the server serves on`, async () => {
      const server = make();
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        const bad = await rawStatus(server, "GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert.ok(bad === 400 || bad === 404, `status ${bad}`);
        assert.equal(await rawStatus(server, "GET /v1/metadata HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") > 0, true);
      } finally {
        server.close();
      }
    });
  }
});
