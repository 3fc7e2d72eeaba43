import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { HttpRequest } from "../api/http-types.js";
import { timedDoors } from "./api-timing.js";

describe("timedDoors", () => {
  it("times every front door it is given, REST-JSON included, and answers as the door does", async () => {
    const labels: Array<Record<string, string>> = [];
    const metrics = { apiLatency: { startTimer: () => (l: Record<string, string>) => void labels.push(l) } } as unknown as Parameters<typeof timedDoors>[1];
    const answer = (body: string) => () => Promise.resolve({ status: 200, headers: {}, body: Buffer.from(body) });
    const doors = timedDoors(
      { awsJson: answer("json"), awsQuery: answer("query"), rpcV2Cbor: answer("cbor"), restJson: { signingNames: new Set(["scheduler"]), handle: answer("rest") } },
      metrics,
    );
    assert.deepEqual([...doors.restJson!.signingNames], ["scheduler"]);
    const req = { method: "POST", path: "/schedules/nightly", query: {}, headers: {}, body: new Uint8Array() } as HttpRequest;
    const res = await doors.restJson!.handle(req);
    assert.equal(Buffer.from(res.body as Uint8Array).toString(), "rest");
    assert.deepEqual(labels, [{ protocol: "rest-json", operation: "POST /schedules", outcome: "ok" }]);
  });
});
