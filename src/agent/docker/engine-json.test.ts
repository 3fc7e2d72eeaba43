import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { errorMessage, withoutClientWrapping } from "./engine-json.js";

/** dockerode's error as docker-modem builds it: wrapped text, status, and the parsed body when there was one. */
const modemError = (statusCode: number, text: string, json: unknown = null): Error =>
  Object.assign(new Error(`(HTTP code ${statusCode}) ${statusCode === 404 ? "no such container" : "server error"} - ${text} `), { statusCode, json });

describe("errorMessage: Docker's words for what went wrong, without the client's wrapping", () => {
  const cases: { name: string; error: unknown; expected: string }[] = [
    {
      name: "a JSON body's message",
      error: modemError(404, "No such container: abc", { message: "No such container: abc" }),
      expected: "No such container: abc",
    },
    {
      name: "a streamed pull failure (no parsed body): the cause without the prefix",
      error: modemError(500, 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused'),
      expected: 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
    },
    {
      name: "a streamed cause that is the engine's JSON",
      error: modemError(500, '{"message":"pull access denied for nope, repository does not exist"}'),
      expected: "pull access denied for nope, repository does not exist",
    },
    { name: "a plain error", error: new Error(" manifest unknown "), expected: "manifest unknown" },
    { name: "not an error at all", error: "boom", expected: "boom" },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(errorMessage(c.error), c.expected));
  }

  it("leaves text without the wrapping alone", () => {
    assert.equal(withoutClientWrapping("toomanyrequests: rate limit - retry later"), "toomanyrequests: rate limit - retry later");
  });
});
