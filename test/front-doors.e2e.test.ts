import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cbor } from "@smithy/core/cbor";
import { BerthServer } from "./support/berth-server.js";

describe("one port, a front door per AWS protocol", () => {
  let server: BerthServer;
  before(async () => {
    server = await BerthServer.start();
  });
  after(() => server.stop());

  it("aws sts get-caller-identity answers through the Query front door", async () => {
    const r = await server.aws("sts", "get-caller-identity");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { UserId: "000000000000", Account: "000000000000", Arn: "arn:aws:iam::000000000000:root" });
  });

  it("a Query request without a signature gets an XML <ErrorResponse>", async () => {
    const res = await fetch(server.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<ErrorResponse><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code>/);
  });

  it("an RPC v2 CBOR request for an unknown operation gets a 404 CBOR error", async () => {
    const res = await fetch(`${server.endpoint}/service/GraniteServiceVersion20100801/operation/NoSuchOperation`, {
      method: "POST",
      headers: { "smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor" },
      body: new Uint8Array([0xa0]),
    });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("smithy-protocol"), "rpc-v2-cbor");
    const body = cbor.deserialize(new Uint8Array(await res.arrayBuffer())) as Record<string, unknown>;
    assert.equal(body.__type, "UnknownOperationException");
  });
});
