import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readCookie, setCookies, stickinessOf, stickyTarget, stickyValue } from "./stickiness.js";

const secret = Buffer.alloc(32, 7);
const tg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef";

describe("sticky sessions (lb_cookie)", () => {
  it("is on only with stickiness.enabled and the lb_cookie type, for its duration (ELB's default one day)", () => {
    assert.equal(stickinessOf({ "stickiness.enabled": "false" }), undefined);
    assert.equal(stickinessOf({ "stickiness.enabled": "true", "stickiness.type": "source_ip" }), undefined);
    assert.deepEqual(stickinessOf({ "stickiness.enabled": "true" }), { durationSeconds: 86_400 });
    assert.deepEqual(stickinessOf({ "stickiness.enabled": "true", "stickiness.type": "lb_cookie", "stickiness.lb_cookie.duration_seconds": "60" }), { durationSeconds: 60 });
  });

  it("a cookie names the target it was made for, in its group only", () => {
    const v = stickyValue(secret, tg, "i-0abc:32768");
    assert.equal(stickyTarget(secret, tg, v), "i-0abc:32768");
    assert.equal(stickyTarget(secret, `${tg}x`, v), undefined);
    assert.equal(stickyTarget(Buffer.alloc(32, 8), tg, v), undefined);
  });

  const forged: readonly [string, string | undefined][] = [
    ["absent", undefined],
    ["empty", ""],
    ["no MAC", Buffer.from("i-0abc:32768").toString("base64url")],
    ["another target with a MAC of this one", `${Buffer.from("i-0abc:32769").toString("base64url")}.${stickyValue(secret, tg, "i-0abc:32768").split(".")[1]}`],
    ["garbage", "%%%.%%%"],
    ["too long", "a".repeat(500)],
  ];
  for (const [name, value] of forged) it(`a cookie a client made up names nothing: ${name}`, () => assert.equal(stickyTarget(secret, tg, value), undefined));

  it("reads AWSALB from a Cookie header, not AWSALBCORS or a cookie ending in its name", () => {
    assert.equal(readCookie("AWSALBCORS=x; MYAWSALB=y; AWSALB=z; a=b", "AWSALB"), "z");
    assert.equal(readCookie("AWSALBCORS=x", "AWSALB"), undefined);
    assert.equal(readCookie(undefined, "AWSALB"), undefined);
  });

  it("sets AWSALB and AWSALBCORS with their expiry, as ALB does", () => {
    assert.deepEqual(setCookies("v", { durationSeconds: 60 }, Date.UTC(2026, 10, 29, 10, 0, 0)), [
      "AWSALB=v; Expires=Sun, 29 Nov 2026 10:01:00 GMT; Path=/",
      "AWSALBCORS=v; Expires=Sun, 29 Nov 2026 10:01:00 GMT; Path=/; SameSite=None; Secure",
    ]);
  });
});
