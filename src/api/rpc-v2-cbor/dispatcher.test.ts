import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cbor } from "@smithy/core/cbor";
import { AwsError } from "../../errors/catalog.js";
import { frontDoorOptions, signedRequest } from "../testing.js";
import { createCborDispatcher } from "./dispatcher.js";
import type { CborService } from "./service.js";

const echo: CborService = {
  name: "EchoService",
  signingName: "echo",
  errors: { InvalidParameterException: 400 },
  operations: {
    Echo: { handle: (input) => Promise.resolve({ echoed: input.value, at: 1 }) },
    Refuse: { handle: () => Promise.reject(new AwsError("InvalidParameterException", "value is wrong")) },
  },
};
const dispatch = createCborDispatcher({ services: [echo], ...frontDoorOptions });
const cborHeaders = { "smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor", accept: "application/cbor" };
const call = async (path: string, input: object = {}) =>
  dispatch(await signedRequest({ service: "echo", path, headers: cborHeaders, body: cbor.serialize(input) }));
const decoded = (body: string | Uint8Array): Record<string, unknown> => cbor.deserialize(body as Uint8Array) as Record<string, unknown>;

describe("the Smithy RPC v2 CBOR front door", () => {
  it("routes /service/<S>/operation/<Op> (with or without a namespace) and answers in CBOR", async () => {
    for (const path of ["/service/EchoService/operation/Echo", "/service/com.example.EchoService/operation/Echo"]) {
      const res = await call(path, { value: "hi" });
      assert.equal(res.status, 200);
      assert.equal(res.headers["smithy-protocol"], "rpc-v2-cbor");
      assert.equal(res.headers["content-type"], "application/cbor");
      assert.deepEqual(decoded(res.body), { echoed: "hi", at: 1 });
    }
  });

  it("answers an unknown operation or service with a 404 CBOR error in the Smithy shape", async () => {
    for (const path of ["/service/EchoService/operation/Nope", "/service/GraniteServiceVersion20100801/operation/GetMetricData"]) {
      const res = await call(path);
      assert.equal(res.status, 404);
      assert.equal(res.headers["smithy-protocol"], "rpc-v2-cbor");
      const body = decoded(res.body);
      assert.equal(body.__type, "UnknownOperationException");
      assert.match(String(body.message), /is not an operation Berth serves/);
    }
  });

  it("answers a handler's AwsError and a body that is not CBOR with __type and message", async () => {
    const refused = decoded((await call("/service/EchoService/operation/Refuse")).body);
    assert.deepEqual(refused, { __type: "InvalidParameterException", message: "value is wrong" });
    const garbage = await dispatch(await signedRequest({ service: "echo", path: "/service/EchoService/operation/Echo", headers: cborHeaders, body: Buffer.from([0xff, 0xff, 0x00]) }));
    assert.equal(garbage.status, 400);
    assert.equal(decoded(garbage.body).__type, "SerializationException");
  });

  it("refuses a request that carries X-Amz-Target, as the protocol requires", async () => {
    const res = await dispatch(await signedRequest({ service: "echo", path: "/service/EchoService/operation/Echo", headers: { ...cborHeaders, "x-amz-target": "EchoService.Echo" }, body: cbor.serialize({}) }));
    assert.equal(res.status, 400);
  });
});
