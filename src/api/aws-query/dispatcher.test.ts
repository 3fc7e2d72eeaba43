import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { XMLParser } from "fast-xml-parser";
import { stsService } from "../sts/service.js";
import { frontDoorOptions, signedRequest } from "../testing.js";
import { createQueryDispatcher } from "./dispatcher.js";

const dispatch = createQueryDispatcher({ services: [stsService()], ...frontDoorOptions });
const form = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
const xml = (body: string | Uint8Array): Record<string, Record<string, unknown>> =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false }).parse(String(body)) as Record<string, Record<string, unknown>>;

describe("the AWS Query front door", () => {
  it("answers STS GetCallerIdentity in AWS's XML shape, for the service the credential scope names", async () => {
    const res = await dispatch(await signedRequest({ service: "sts", headers: form, body: "Action=GetCallerIdentity&Version=2011-06-15" }));
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "text/xml");
    const doc = xml(res.body).GetCallerIdentityResponse!;
    assert.equal(doc["@_xmlns"], "https://sts.amazonaws.com/doc/2011-06-15/");
    assert.deepEqual(doc.GetCallerIdentityResult, { UserId: "123456789012", Account: "123456789012", Arn: "arn:aws:iam::123456789012:root" });
    assert.equal((doc.ResponseMetadata as Record<string, string>).RequestId, res.headers["x-amzn-requestid"]);
  });

  const refusals: [string, string, string, number, string, RegExp][] = [
    ["an unknown action", "sts", "Action=GetSessionTokenz&Version=2011-06-15", 400, "InvalidAction", /Could not find operation GetSessionTokenz for version 2011-06-15/],
    ["another API version", "sts", "Action=GetCallerIdentity&Version=2010-01-01", 400, "InvalidAction", /version 2010-01-01/],
    ["no action", "sts", "Version=2011-06-15", 400, "MissingAction", /must contain the parameter Action/],
    ["a service Berth does not serve", "sqs", "Action=ListQueues&Version=2012-11-05", 400, "InvalidAction", /no Query-protocol API for signing name 'sqs'/],
    ["a malformed parameter list", "sts", "Action=GetCallerIdentity&Version=2011-06-15&L.member.0=x", 400, "MalformedQueryString", /numbered from 1/],
  ];
  for (const [what, service, body, status, code, message] of refusals) {
    it(`answers ${what} with an <ErrorResponse> ${code}`, async () => {
      const res = await dispatch(await signedRequest({ service, headers: form, body }));
      assert.equal(res.status, status);
      const err = xml(res.body).ErrorResponse!;
      assert.equal((err.Error as Record<string, string>).Type, "Sender");
      assert.equal((err.Error as Record<string, string>).Code, code);
      assert.match((err.Error as Record<string, string>).Message ?? "", message);
      assert.equal(err.RequestId, res.headers["x-amzn-requestid"]);
    });
  }

  it("names signature failures as Query services do (SignatureDoesNotMatch, MissingAuthenticationToken)", async () => {
    const req = await signedRequest({ service: "sts", headers: form, body: "Action=GetCallerIdentity&Version=2011-06-15" });
    const tampered = await dispatch({ ...req, body: Buffer.from("Action=GetCallerIdentity&Version=2011-06-16") });
    assert.equal(tampered.status, 403);
    assert.equal(((xml(tampered.body).ErrorResponse!.Error as Record<string, string>).Code), "SignatureDoesNotMatch");
    const { authorization: _, ...unsigned } = req.headers;
    const missing = await dispatch({ ...req, headers: unsigned });
    assert.equal(missing.status, 403);
    assert.equal(((xml(missing.body).ErrorResponse!.Error as Record<string, string>).Code), "MissingAuthenticationToken");
  });
});
