import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { closeMeansEndpointDown, EndpointRotation, isUnreachable, sdkEndpoint, withFailover } from "./endpoints.js";

const [a, b, c] = ["http://a:4400", "http://b:4400", "http://c:4400"];

/** Fails the current endpoint `times` times; returns each step as `next` plus "(back off)" when it says so. */
function failCurrent(rotation: EndpointRotation, times: number): string[] {
  return Array.from({ length: times }, () => {
    const step = rotation.failed(rotation.current());
    return step.backOff ? `${step.next} (back off)` : step.next;
  });
}

const refused = (): Error => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

describe("EndpointRotation", () => {
  it("starts at the first endpoint, in the order given", () => {
    assert.equal(new EndpointRotation([a, b, c]).current(), a);
    assert.equal(new EndpointRotation([c, a]).current(), c);
  });

  it("moves to the next on each failure, wrapping around after the last", () => {
    const r = new EndpointRotation([a, b, c]);
    assert.deepEqual(failCurrent(r, 7), [b, c, `${a} (back off)`, b, c, `${a} (back off)`, b]);
  });

  it("backs off only once every endpoint has failed since the last success", () => {
    const r = new EndpointRotation([a, b, c]);
    assert.deepEqual(failCurrent(r, 1), [b]);
    r.succeeded(b); // the round starts again at b: a's failure is forgotten
    assert.deepEqual(failCurrent(r, 3), [c, a, `${b} (back off)`]);
  });

  it("with one endpoint, backs off after every failure (the agent's behaviour before several endpoints)", () => {
    const r = new EndpointRotation([a]);
    assert.deepEqual(failCurrent(r, 3), [`${a} (back off)`, `${a} (back off)`, `${a} (back off)`]);
  });

  it("counts one failure of an endpoint once, however many callers report it", () => {
    const r = new EndpointRotation([a, b, c]);
    assert.deepEqual(r.failed(a), { next: b, backOff: false });
    assert.deepEqual(r.failed(a), { next: b, backOff: false }, "a second report of a changes nothing");
    assert.equal(r.current(), b);
    assert.deepEqual(failCurrent(r, 2), [c, `${a} (back off)`], "the stale report did not count towards the round");
  });

  it("ignores a success reported for an endpoint it has moved away from", () => {
    const r = new EndpointRotation([a, b]);
    r.failed(a);
    r.succeeded(a);
    assert.deepEqual(failCurrent(r, 1), [`${a} (back off)`]);
  });

  it("refuses an empty list", () => {
    assert.throws(() => new EndpointRotation([]), /ECS_BACKEND_HOST/);
  });

  it("property: within a round every endpoint fails once, and the back-off comes exactly at the round's end", () => {
    const ops = fc.array(fc.constantFrom("fail", "succeed"), { maxLength: 60 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), ops, (n, script) => {
        const endpoints = Array.from({ length: n }, (_, i) => `http://e${i}:4400`);
        const r = new EndpointRotation(endpoints);
        let round = new Set<string>();
        for (const op of script) {
          const before = r.current();
          if (op === "succeed") {
            r.succeeded(before);
            round = new Set();
            continue;
          }
          assert.ok(!round.has(before), `${before} failed twice in one round`);
          round.add(before);
          const step = r.failed(before);
          assert.equal(step.next, endpoints[(endpoints.indexOf(before) + 1) % n]);
          assert.equal(step.backOff, round.size === n);
          if (step.backOff) round = new Set();
        }
      }),
    );
  });
});

describe("isUnreachable", () => {
  const cases: Array<[string, unknown, boolean]> = [
    ["connection refused", refused(), true],
    ["connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), true],
    ["connect timeout", Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" }), true],
    ["a name that does not resolve", Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }), true],
    ["every address of a name refused (Node's AggregateError)", new AggregateError([refused(), refused()]), true],
    ["the AWS SDK's connection timeout", Object.assign(new Error("Socket timed out without establishing a connection"), { name: "TimeoutError" }), true],
    ["refused, wrapped", new Error("could not call", { cause: refused() }), true],
    ["an answer: a refused request", Object.assign(new Error("denied"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }), false],
    ["an answer: a server error", Object.assign(new Error("boom"), { name: "ServerException", $metadata: { httpStatusCode: 500 } }), false],
    ["an untrusted certificate", Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }), false],
    ["not an error", "ECONNREFUSED", false],
    ["nothing", undefined, false],
  ];
  for (const [title, err, expected] of cases) it(`${title}: ${expected}`, () => assert.equal(isUnreachable(err), expected));
});

describe("closeMeansEndpointDown", () => {
  const cases: Array<[number, boolean]> = [
    [1006, true], // no close frame: refused, reset, killed, or the agent's watchdog
    [1001, true], // going away
    [1011, true],
    [1012, true],
    [1013, true],
    [1000, false],
    [1008, false], // policy violation: the replica answered
    [1003, false],
  ];
  for (const [code, expected] of cases) it(`${code}: ${expected}`, () => assert.equal(closeMeansEndpointDown(code), expected));
});

describe("withFailover", () => {
  it("calls the next endpoint at once when the current one is unreachable, and stays there", async () => {
    const r = new EndpointRotation([a, b]);
    const called: string[] = [];
    const out = await withFailover(r, (endpoint) => {
      called.push(endpoint);
      return endpoint === a ? Promise.reject(refused()) : Promise.resolve(`answer of ${endpoint}`);
    });
    assert.equal(out, `answer of ${b}`);
    assert.deepEqual(called, [a, b]);
    assert.equal(r.current(), b);
  });

  it("gives up after one round, with the last error, leaving the back-off to its caller", async () => {
    const r = new EndpointRotation([a, b, c]);
    const called: string[] = [];
    await assert.rejects(
      withFailover(r, (endpoint) => {
        called.push(endpoint);
        return Promise.reject(Object.assign(refused(), { endpoint }));
      }),
      (e: unknown) => (e as { endpoint?: string }).endpoint === c,
    );
    assert.deepEqual(called, [a, b, c]);
  });

  it("does not move on an answer, even an error", async () => {
    const r = new EndpointRotation([a, b]);
    const denied = Object.assign(new Error("denied"), { name: "AccessDeniedException" });
    await assert.rejects(withFailover(r, () => Promise.reject(denied)), denied);
    assert.equal(r.current(), a);
  });

  it("a success starts a new round", async () => {
    const r = new EndpointRotation([a, b]);
    await withFailover(r, (endpoint) => (endpoint === a ? Promise.reject(refused()) : Promise.resolve()));
    assert.deepEqual(failCurrent(r, 2), [a, `${b} (back off)`]);
  });
});

describe("sdkEndpoint", () => {
  it("answers the current endpoint at each call, so that an SDK client built once follows a failover", async () => {
    const r = new EndpointRotation([a, b]);
    const provider = sdkEndpoint(r);
    assert.equal((await provider()).url.href, `${a}/`);
    r.failed(a);
    assert.equal((await provider()).url.href, `${b}/`);
  });
});
