import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeQueryForm } from "./form.js";

const decode = (text: string) => decodeQueryForm(Buffer.from(text));

describe("Query form decoding", () => {
  it("takes Action and Version apart from the parameters", () => {
    assert.deepEqual(decode("Action=GetCallerIdentity&Version=2011-06-15"), { action: "GetCallerIdentity", version: "2011-06-15", params: {} });
  });

  it("nests dotted names, decodes percent-escapes and plus signs", () => {
    const { params } = decode("Action=A&HealthCheck.Path=%2Fhealth%3Fa%3Db&Name=my+lb");
    assert.deepEqual(params, { HealthCheck: { Path: "/health?a=b" }, Name: "my lb" });
  });

  it("makes .member.N lists in index order, whatever order they came in", () => {
    const { params } = decode("Action=A&Tags.member.2.Key=b&Tags.member.10.Key=c&Tags.member.1.Key=a&Tags.member.1.Value=1");
    assert.deepEqual(params, { Tags: [{ Key: "a", Value: "1" }, { Key: "b" }, { Key: "c" }] });
  });

  it("makes .entry.N.key/.value maps and bare numbered lists", () => {
    const { params } = decode("Action=A&Attributes.entry.1.key=k1&Attributes.entry.1.value=v1&Attributes.entry.2.key=k2&Attributes.entry.2.value=v2&Names.1=x&Names.2=y");
    assert.deepEqual(params, { Attributes: { k1: "v1", k2: "v2" }, Names: ["x", "y"] });
  });

  const refused: [string, string, RegExp][] = [
    ["a value and a member under one name", "A=1&A.B=2", /conflicts/],
    ["an empty segment", "A..B=1", /empty segment/],
    ["a member numbered 0", "L.member.0=x", /numbered from 1/],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what} with MalformedQueryString`, () => {
      assert.throws(() => decode(text), (e: unknown) => e instanceof Error && "code" in e && e.code === "MalformedQueryString" && message.test(e.message));
    });
  }
});
