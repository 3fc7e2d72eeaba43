import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from "node:net";
import { join } from "node:path";
import { pino } from "pino";
import { WebSocket, WebSocketServer } from "ws";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { defaultHealthCheck, defaultLoadBalancerAttributes, defaultTargetGroupAttributes, targetGroupAttributesFor } from "../src/domain/load-balancing/defaults.js";
import type { TargetRecord } from "../src/domain/load-balancing/types.js";
import { DataPlane } from "../src/lb/data-plane.js";
import { counted, responseTimes, sumRows, type ElbMetricInputs, type TrafficEntries } from "../src/lb/traffic.js";
import { SqliteStore } from "../src/state/sqlite/sqlite-store.js";
import { makeTlsFiles } from "./support/tls-files.js";
import { until } from "./support/until.js";

const lbArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/0000000000000001";
const tgArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0000000000000002";
const nlbArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/tcp/0000000000000003";
const tcpTgArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tcp/0000000000000004";
const stickyTgArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/sticky/0000000000000005";

/**
 * The data plane on a real store, proxying to a real local target: bodies, WebSockets, HTTPS,
 * draining; with the listeners on this process's loop, and in two listener workers.
 */
for (const workers of [0, 2]) describe(`load balancer data plane (${workers === 0 ? "listeners in process" : `${workers} listener workers`})`, () => {
  let store: SqliteStore;
  let plane: DataPlane;
  let target: Server;
  let targetPort: number;
  let httpPort: number;
  let httpsPort: number;
  let tcpPort: number;
  let stickyPort: number;
  /** Two TCP targets that say their name on each connection. */
  const namers: TcpServer[] = [];
  let caFile: string;
  let slowRelease: (() => void) | undefined;
  const upgradeHeaders: Record<string, unknown>[] = [];

  before(async () => {
    target = createServer((req, res) => {
      if (req.url === "/health") return void res.writeHead(200).end();
      if (req.url === "/teapot") return void res.writeHead(418).end();
      if (req.url === "/slow") {
        slowRelease = () => res.writeHead(200).end("slow done");
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => res.writeHead(200, { "x-proto": String(req.headers["x-forwarded-proto"]), "x-port": String(req.headers["x-forwarded-port"]) }).end(Buffer.concat(chunks)));
    });
    const wss = new WebSocketServer({ server: target });
    wss.on("connection", (ws, req) => {
      upgradeHeaders.push(req.headers);
      ws.on("message", (m: Buffer) => ws.send(`echo:${m.toString()}`));
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    targetPort = (target.address() as AddressInfo).port;
    const tls = await makeTlsFiles();
    caFile = tls.caFile;
    const pem = join(tls.dir, "listener.pem");
    writeFileSync(pem, readFileSync(tls.certFile, "utf8") + readFileSync(tls.keyFile, "utf8"));
    httpPort = await freeBlock(4);
    httpsPort = httpPort + 1;
    tcpPort = httpPort + 2;
    stickyPort = httpPort + 3;
    for (const name of ["one", "two"]) {
      const namer = createTcpServer((socket) => {
        socket.on("error", () => socket.destroy());
        socket.write(name);
      });
      await new Promise<void>((resolve) => namer.listen(0, "127.0.0.1", resolve));
      namers.push(namer);
    }

    store = new SqliteStore({ path: ":memory:" });
    await store.write(async (tx) => {
      await tx.loadBalancing.putLoadBalancer({ arn: lbArn, name: "web", type: "application", scheme: "internal", ipAddressType: "ipv4", createdAtMs: 0, attributes: defaultLoadBalancerAttributes });
      await tx.loadBalancing.putTargetGroup({
        arn: tgArn, name: "web", protocol: "HTTP", port: 80, targetType: "ip", vpcId: "vpc", createdAtMs: 0,
        healthCheck: { ...defaultHealthCheck("HTTP"), path: "/health", intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2 },
        attributes: defaultTargetGroupAttributes,
      });
      const forward = [{ type: "forward" as const, targetGroups: [{ targetGroupArn: tgArn, weight: 1 }] }];
      await tx.loadBalancing.putListener({ arn: `${lbArn}/l1`.replace(":loadbalancer/", ":listener/"), loadBalancerArn: lbArn, port: httpPort, protocol: "HTTP", defaultActions: forward });
      await tx.loadBalancing.putListener({ arn: `${lbArn}/l2`.replace(":loadbalancer/", ":listener/"), loadBalancerArn: lbArn, port: httpsPort, protocol: "HTTPS", certificateArn: pem, defaultActions: forward });
      await tx.loadBalancing.putTarget({ targetGroupArn: tgArn, id: "127.0.0.1", port: targetPort, registeredAtMs: 0, state: "registered" });
      // A network load balancer with a TCP listener to the same target, checked by TCP connects.
      await tx.loadBalancing.putLoadBalancer({ arn: nlbArn, name: "tcp", type: "network", scheme: "internal", ipAddressType: "ipv4", createdAtMs: 0, attributes: {} });
      await tx.loadBalancing.putTargetGroup({
        arn: tcpTgArn, name: "tcp", protocol: "TCP", port: 80, targetType: "ip", vpcId: "vpc", createdAtMs: 0,
        healthCheck: { ...defaultHealthCheck("TCP"), intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2 },
        attributes: defaultTargetGroupAttributes,
      });
      await tx.loadBalancing.putListener({ arn: `${nlbArn}/l3`.replace(":loadbalancer/", ":listener/"), loadBalancerArn: nlbArn, port: tcpPort, protocol: "TCP", defaultActions: [{ type: "forward", targetGroups: [{ targetGroupArn: tcpTgArn, weight: 1 }] }] });
      await tx.loadBalancing.putTarget({ targetGroupArn: tcpTgArn, id: "127.0.0.1", port: targetPort, registeredAtMs: 0, state: "registered" });
      // Another TCP listener, to the two namers, with source_ip stickiness.
      await tx.loadBalancing.putTargetGroup({
        arn: stickyTgArn, name: "sticky", protocol: "TCP", port: 80, targetType: "ip", vpcId: "vpc", createdAtMs: 0,
        healthCheck: { ...defaultHealthCheck("TCP"), intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2 },
        attributes: { ...targetGroupAttributesFor("TCP"), "stickiness.enabled": "true" },
      });
      await tx.loadBalancing.putListener({ arn: `${nlbArn}/l4`.replace(":loadbalancer/", ":listener/"), loadBalancerArn: nlbArn, port: stickyPort, protocol: "TCP", defaultActions: [{ type: "forward", targetGroups: [{ targetGroupArn: stickyTgArn, weight: 1 }] }] });
      for (const namer of namers) await tx.loadBalancing.putTarget({ targetGroupArn: stickyTgArn, id: "127.0.0.1", port: (namer.address() as AddressInfo).port, registeredAtMs: 0, state: "registered" });
    });
    plane = new DataPlane({ store, bindAddress: "127.0.0.1", logger: pino({ level: "silent" }), now: Date.now, random: Math.random, refreshMs: 100, workers: { count: workers, logLevel: "silent" } });
    await plane.start();
    // Healthy after two checks: the first at once, the second one interval (5 s) later.
    const healthy = () =>
      [tgArn, tcpTgArn].every((arn) => plane.health(arn).get(`127.0.0.1:${targetPort}`)?.state === "healthy") &&
      namers.every((n) => plane.health(stickyTgArn).get(`127.0.0.1:${(n.address() as AddressInfo).port}`)?.state === "healthy");
    await until("the targets healthy", () => (healthy() ? true : undefined), { timeoutMs: 15_000, everyMs: 100 });
  });
  after(async () => {
    await plane.close();
    await store.close();
    target.closeAllConnections();
    await new Promise((r) => target.close(r));
    for (const namer of namers) await new Promise((r) => namer.close(r));
  });

  it("streams a request body to the target and its answer back, with X-Forwarded-Proto/-Port", async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, "x");
    const res = await new Promise<{ status: number; length: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: httpPort, method: "POST", path: "/echo" }, (r) => {
        let length = 0;
        r.on("data", (c: Buffer) => (length += c.length));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, length, headers: r.headers }));
      });
      req.on("error", reject);
      for (let i = 0; i < 3; i++) req.write(body.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
      req.end();
    });
    assert.deepEqual([res.status, res.length, res.headers["x-proto"], res.headers["x-port"]], [200, body.length, "http", String(httpPort)]);
    assert.equal(plane.workerPids().length, workers);
  });

  it("tunnels a WebSocket upgrade, with X-Forwarded-For", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/socket`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once("open", () => ws.send("hi"));
      ws.once("message", (m: Buffer) => resolve(m.toString()));
      ws.once("error", reject);
    });
    ws.close();
    assert.equal(reply, "echo:hi");
    assert.equal(upgradeHeaders.at(-1)?.["x-forwarded-for"], "127.0.0.1");
  });

  it("serves an HTTPS listener with the certificate file, X-Forwarded-Proto https", async () => {
    const res = await new Promise<{ status: number; proto: unknown }>((resolve, reject) => {
      const req = httpsRequest({ host: "127.0.0.1", port: httpsPort, path: "/", method: "GET", ca: readFileSync(caFile) }, (r) => {
        r.resume();
        r.on("end", () => resolve({ status: r.statusCode ?? 0, proto: r.headers["x-proto"] }));
      });
      req.on("error", reject);
      req.end();
    });
    assert.deepEqual([res.status, res.proto], [200, "https"]);
  });

  it("tunnels a TCP listener's connections whole to the target (network load balancer)", async () => {
    assert.equal(await status(tcpPort, "/tcp"), 200);
  });

  it("keeps a client address on one target with source_ip stickiness, and spreads addresses over the targets", async () => {
    // The first thing a target says through the listener, from a given local address of the loopback range.
    const targetFrom = (localAddress: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: stickyPort, localAddress });
        socket.setEncoding("utf8");
        socket.once("data", (name: string) => {
          socket.destroy();
          resolve(name);
        });
        socket.once("error", reject);
      });
    for (const address of ["127.0.0.2", "127.0.0.3"]) {
      const first = await targetFrom(address);
      for (let i = 0; i < 4; i++) assert.equal(await targetFrom(address), first, `${address}, connection ${i + 2}`);
    }
    const seen = new Set<string>();
    for (let i = 4; i < 40 && seen.size < 2; i++) seen.add(await targetFrom(`127.0.0.${i}`));
    assert.deepEqual([...seen].sort(), ["one", "two"]);
  });

  it("counts what its listeners carried, in whichever process served them, for the load balancers' CloudWatch metrics", async () => {
    // What every serving process counted; a worker's counts reach the control plane within a second.
    await new Promise((r) => setTimeout(r, 1200));
    const earlier = plane.metricInputs().traffic;
    const seen: TrafficEntries[number][] = [];
    let last: ElbMetricInputs | undefined;
    const rowIn = (entries: TrafficEntries, lb: string, group: string) => sumRows(entries.filter(([l, g]) => l === lb && g === group).map(([, , row]) => row));
    const rowOf = (lb: string, group: string) => rowIn(seen, lb, group);
    // Each on a connection of its own.
    for (const path of ["/a", "/b", "/teapot"]) await status(httpPort, path, false);
    for (let i = 0; i < 2; i++) assert.equal(await status(tcpPort, "/tcp", false), 200);
    await until("the counts of 3 requests and 2 flows", () => {
      last = plane.metricInputs();
      seen.push(...last.traffic);
      return counted(rowOf(lbArn, tgArn), "RequestCount") === 3 && counted(rowOf(nlbArn, tcpTgArn), "NewFlowCount") === 2 ? true : undefined;
    }, { timeoutMs: 5000, everyMs: 100 });
    const web = rowOf(lbArn, tgArn);
    assert.deepEqual([counted(web, "HTTPCode_Target_2XX_Count"), counted(web, "HTTPCode_Target_4XX_Count"), responseTimes(web)?.count], [2, 1, 3]);
    assert.ok(responseTimes(web)!.max < 5, "seconds, not milliseconds");
    assert.equal(counted(rowOf(lbArn, ""), "NewConnectionCount"), 3);
    assert.deepEqual(
      last!.attachments.map((a) => [a.loadBalancer.arn, a.groupArn, a.healthy, a.unhealthy]).sort(),
      [[lbArn, tgArn, 1, 0], [nlbArn, tcpTgArn, 1, 0], [nlbArn, stickyTgArn, 2, 0]].sort(),
    );
    // Prometheus' totals: every drain so far added up, the earlier tests' traffic included.
    const totals = plane.trafficTotals();
    assert.equal(counted(rowIn(totals, lbArn, tgArn), "RequestCount"), counted(rowIn([...earlier, ...seen], lbArn, tgArn), "RequestCount"));
    assert.equal(counted(rowIn(totals, nlbArn, tcpTgArn), "NewFlowCount"), counted(rowIn([...earlier, ...seen], nlbArn, tcpTgArn), "NewFlowCount"));
  });

  it("lets a request in flight on a draining target finish, sends the target nothing new, and lets it go once idle", async () => {
    const slow = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: httpPort, path: "/slow" }, (r) => {
        let body = "";
        r.on("data", (c: Buffer) => (body += c.toString()));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
    await until("the slow request at the target", () => (slowRelease ? true : undefined));
    const key = { targetGroupArn: tgArn, id: "127.0.0.1", port: targetPort };
    await store.write(async (tx) => {
      const t = (await tx.loadBalancing.targets(tgArn))[0]!;
      await tx.loadBalancing.putTarget({ ...t, state: "draining", drainUntilMs: Date.now() + 60_000 });
    });
    plane.changed();
    await until("no new request reaching the draining target", async () => ((await status(httpPort, "/new")) === 503 ? true : undefined));
    const stillDraining: TargetRecord[] = await store.read((tx) => tx.loadBalancing.targets(tgArn));
    assert.deepEqual(stillDraining.map((t) => t.state), ["draining"], "kept while its request is in flight");
    slowRelease!();
    assert.deepEqual(await slow, { status: 200, body: "slow done" });
    await until("the drained target removed", async () => ((await store.read((tx) => tx.loadBalancing.targets(key.targetGroupArn))).length === 0 ? true : undefined));
  });
});

/** A GET's status; `agent: false` sends it on a connection of its own. */
function status(port: number, path: string, agent?: false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (r) => {
      r.resume();
      r.on("end", () => resolve(r.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}
