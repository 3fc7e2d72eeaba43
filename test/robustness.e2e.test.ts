import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DescribeContainerInstancesCommand, ListClustersCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { apiOperations, describeRequest, judge, sampleBadRequests, sendBadRequests, seedName, wrongTypePerMember } from "./support/bad-api-requests.js";
import { BerthServer } from "./support/berth-server.js";
import { malformedFrameCases } from "./support/malformed-frames.js";
import { RawAgentSession } from "./support/raw-agent-session.js";
import { rawHttpCases, rawHttpExchange } from "./support/raw-http.js";
import { seedState, type SeededState } from "./support/robust-state.js";

import { signedRequest } from "./support/signed-request.js";
import { snapshotState } from "./support/state-snapshot.js";
import { until } from "./support/until.js";

/**
 * Issue 9: whatever arrives on the port, the server stays up, keeps serving everyone else, answers
 * no 5xx, and a refused request changes nothing. Small and seeded here; `npm run bench:robustness`
 * runs the same generators at 100,000 requests and more.
 */
const seed = Number(process.env.ROBUSTNESS_SEED ?? 9);
const perOperation = Number(process.env.ROBUSTNESS_RUNS ?? 8);

describe("robustness: malformed frames, signed bad requests and raw garbage on one server", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let seeded: SeededState;
  let bystander: RawAgentSession;
  let before0: unknown;
  let probeId = 1000;

  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    seeded = await seedState(server.endpoint, server.accessKey, ecs);
    bystander = await RawAgentSession.open(server.endpoint, server.accessKey, seeded.bystanderInstanceArn);
    bystander.send({ type: "hello", protocolVersion: 1, tasks: [] });
    await bystander.next((m) => m.type === "manifest");
    before0 = await snapshotState(server.endpoint, server.accessKey);
  });
  after(async () => {
    bystander?.destroy();
    seeded?.stop();
    ecs?.destroy();
    await server?.stop();
  });

  /** The process is alive, answers the AWS SDK, and the other agent's session still works. */
  async function assertServing(): Promise<void> {
    assert.ok(server.running, "the server process is running");
    const clusters = await ecs.send(new ListClustersCommand({}));
    assert.equal(clusters.clusterArns?.length, 1);
    assert.ok(bystander.isOpen, "the other agent session is still open");
    const id = probeId++;
    bystander.send({ type: "taskState", id, report: { taskArn: "arn:aws:ecs:us-east-1:000000000000:task/robust/none", status: "RUNNING", containers: [] } });
    await bystander.next((m) => m.type === "stateAck" && m.id === id);
  }

  const agentConnected = async (arn: string) =>
    (await ecs.send(new DescribeContainerInstancesCommand({ cluster: seedName, containerInstances: [arn] }))).containerInstances?.[0]?.agentConnected;

  describe("malformed frames on a live agent session, each on its own session", () => {
    for (const c of malformedFrameCases) {
      it(`${c.name}: ${c.expect === "drop" ? "the session ends" : `closed with ${c.expect}`}, the server serves on`, async () => {
        // A live session: hello answered with the manifest, the instance counted as connected.
        const session = await RawAgentSession.open(server.endpoint, server.accessKey, seeded.targetInstanceArn);
        session.send({ type: "hello", protocolVersion: 1, tasks: [] });
        await session.next((m) => m.type === "manifest");
        assert.equal(await agentConnected(seeded.targetInstanceArn), true);
        for (const bytes of c.bytes) session.write(bytes);
        if (c.expect === "drop") session.destroy();
        const end = await session.ended;
        if (c.expect !== "drop") assert.equal(end.closeCode, c.expect, `close frame ${JSON.stringify(end)}`);
        await until("the instance marked disconnected", async () => ((await agentConnected(seeded.targetInstanceArn)) === false ? true : undefined), { timeoutMs: 5000, everyMs: 20 });
        await assertServing();
      });
    }

    it("a hello of 20,000 well-formed reports of unknown tasks gets the manifest and changes nothing", async () => {
      const session = await RawAgentSession.open(server.endpoint, server.accessKey, seeded.targetInstanceArn);
      const tasks = Array.from({ length: 20_000 }, (_, i) => ({ taskArn: `arn:aws:ecs:us-east-1:000000000000:task/robust/ghost${i}`, status: "STOPPED", containers: [] }));
      session.send({ type: "hello", protocolVersion: 1, tasks });
      const manifest = await session.next((m) => m.type === "manifest");
      assert.deepEqual(manifest.tasks, []);
      session.send({ type: "hello", protocolVersion: 2, tasks: [] });
      const error = await session.next((m) => m.type === "error");
      assert.match(String(error.message), /protocol version 2/);
      assert.ok(session.isOpen, "a hello of another protocol version is answered, not fatal");
      session.destroy();
      await session.ended;
      await assertServing();
    });
  });

  describe("signed malformed requests across every ECS, ECR, SSM and Secrets Manager operation", () => {
    const ops = apiOperations();

    it("covers every operation of the four tables", () => {
      assert.ok(ops.filter((o) => o.signingName === "ecs").length >= 33, `${ops.length} operations`);
      assert.ok(ops.filter((o) => o.signingName === "ecr").length >= 18);
      assert.ok(ops.filter((o) => o.signingName === "ssm").length >= 13);
      assert.ok(ops.filter((o) => o.signingName === "secretsmanager").length >= 18);
    });

    it("every top-level member of every operation, with each wrong JSON type: a typed 4xx", async () => {
      const requests = ops.flatMap(wrongTypePerMember);
      const report = await sendBadRequests(server.endpoint, server.accessKey, requests, 8);
      assert.deepEqual(report.problems, []);
      assert.equal(report.sent, requests.length);
      assert.deepEqual([...report.byStatus.keys()], [400], "every one refused as a bad request");
    });

    it(`${perOperation} generated bad requests per operation (seed ${seed}): no 5xx, every refusal typed`, async () => {
      const requests = sampleBadRequests(ops, seed, perOperation);
      const report = await sendBadRequests(server.endpoint, server.accessKey, requests, 8);
      assert.deepEqual(report.problems, [], `seed ${seed}`);
      assert.equal(report.sent, ops.length * perOperation);
      await assertServing();
    });

    it("a bad request is judged by what it gets back (self-check of the judge)", () => {
      const [op] = ops.filter((o) => o.name === "CreateCluster");
      const req = { op: op!, defect: "wrong-type" as const, at: "clusterName", body: '{"clusterName":7}' };
      assert.equal(judge(req, 400, '{"__type":"SerializationException","message":"m"}'), undefined);
      assert.match(judge(req, 500, "{}") ?? "", /500/);
      assert.match(judge(req, 200, "{}") ?? "", /accepted/);
      assert.match(judge(req, 400, '{"message":"m"}') ?? "", /__type/);
      assert.match(describeRequest(req), /CreateCluster wrong-type at clusterName/);
    });

    it("left the state as it was", async () => {
      assert.deepEqual(await snapshotState(server.endpoint, server.accessKey), before0);
    });
  });

  describe("raw HTTP garbage on the same port", () => {
    const port = () => Number(new URL(server.endpoint).port);
    for (const c of rawHttpCases("127.0.0.1")) {
      it(`${c.name}: ${c.expect}, no 5xx, the server serves on`, async () => {
        const outcome = await rawHttpExchange(port(), c, async () => {
          // While this request hangs half-sent, everyone else is served.
          const r = await signedRequest(server.endpoint, server.accessKey, "AmazonEC2ContainerServiceV20141113.ListClusters", "{}");
          assert.equal(r.status, 200);
        });
        assert.ok(outcome.statuses.every((s) => s < 500), `statuses ${outcome.statuses.join(",")}`);
        if (c.expect === "refused") {
          assert.ok(outcome.statuses.some((s) => s >= 400) || outcome.closedByServer, `refused: ${JSON.stringify(outcome)}`);
        }
        await assertServing();
      });
    }
  });

  it("after everything: the same state, and the process never restarted", async () => {
    assert.ok(server.running);
    assert.deepEqual(await snapshotState(server.endpoint, server.accessKey), before0);
  });
});
