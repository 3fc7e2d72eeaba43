import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { appStickyTarget, appStickyValue, groupCookies, readCookie, setCookies, setsCookie, stickinessOf, stickyCookies, stickyTarget, stickyValue, stuckGroup, stuckTarget, type Stickiness } from "./stickiness.js";

const secret = Buffer.alloc(32, 7);
const tg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef";

describe("sticky sessions (lb_cookie)", () => {
  it("is on only with stickiness.enabled and the lb_cookie type, for its duration (ELB's default one day)", () => {
    assert.equal(stickinessOf({ "stickiness.enabled": "false" }), undefined);
    assert.equal(stickinessOf({ "stickiness.enabled": "true", "stickiness.type": "source_ip" }), undefined);
    assert.deepEqual(stickinessOf({ "stickiness.enabled": "true" }), { kind: "lb_cookie", durationSeconds: 86_400 });
    assert.deepEqual(stickinessOf({ "stickiness.enabled": "true", "stickiness.type": "lb_cookie", "stickiness.lb_cookie.duration_seconds": "60" }), { kind: "lb_cookie", durationSeconds: 60 });
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

describe("sticky sessions (app_cookie)", () => {
  const app: Stickiness = { kind: "app_cookie", cookieName: "SESSION", durationSeconds: 60 };
  const t0 = Date.UTC(2026, 10, 30, 8, 0, 0);

  it("is on with stickiness.enabled, the app_cookie type and a cookie name, for its duration (ELB's default one day)", () => {
    assert.equal(stickinessOf({ "stickiness.enabled": "true", "stickiness.type": "app_cookie" }), undefined, "no cookie name: nothing to follow");
    assert.deepEqual(stickinessOf({ "stickiness.enabled": "true", "stickiness.type": "app_cookie", "stickiness.app_cookie.cookie_name": "SESSION" }), { kind: "app_cookie", cookieName: "SESSION", durationSeconds: 86_400 });
    assert.deepEqual(stickinessOf({ "stickiness.enabled": "true", "stickiness.type": "app_cookie", "stickiness.app_cookie.cookie_name": "SESSION", "stickiness.app_cookie.duration_seconds": "60" }), app);
  });

  it("AWSALBAPP-0 names its target until the duration has passed since it was set", () => {
    const v = appStickyValue(secret, tg, "i-0abc:32768", t0);
    assert.equal(appStickyTarget(secret, tg, v, 60, t0 + 59_000), "i-0abc:32768");
    assert.equal(appStickyTarget(secret, tg, v, 60, t0 + 60_000), undefined);
    assert.equal(appStickyTarget(secret, `${tg}x`, v, 60, t0), undefined, "another group's");
    assert.equal(appStickyTarget(secret, tg, stickyValue(secret, tg, "i-0abc:32768"), 60, t0), undefined, "an AWSALB value has no time");
    const tampered = Buffer.from(`i-0abc:32768 ${Math.floor(t0 / 1000) + 3600}`).toString("base64url") + "." + v.split(".")[1];
    assert.equal(appStickyTarget(secret, tg, tampered, 60, t0 + 120_000), undefined, "a later time with the old MAC");
  });

  it("keeps a request on AWSALBAPP-0's target only when the application's cookie comes with it", () => {
    const v = appStickyValue(secret, tg, "i-0abc:32768", t0);
    assert.equal(stuckTarget(app, secret, tg, `SESSION=s1; AWSALBAPP-0=${v}`, t0 + 1000), "i-0abc:32768");
    assert.equal(stuckTarget(app, secret, tg, `AWSALBAPP-0=${v}`, t0 + 1000), undefined);
    assert.equal(stuckTarget(app, secret, tg, `SESSION=s1; AWSALB=${stickyValue(secret, tg, "i-0abc:32768")}`, t0 + 1000), undefined, "AWSALB is lb_cookie's");
    assert.equal(stuckTarget({ kind: "lb_cookie", durationSeconds: 60 }, secret, tg, `AWSALB=${stickyValue(secret, tg, "i-0abc:32768")}`, t0), "i-0abc:32768");
  });

  it("sets AWSALBAPP-0 (7 days) when the target set the application's cookie or the request was stuck, and nothing otherwise", () => {
    assert.equal(setsCookie(["a=1", "SESSION=x; Path=/"], "SESSION"), true);
    assert.equal(setsCookie(["MYSESSION=x"], "SESSION"), false);
    assert.equal(setsCookie([], "SESSION"), false);
    const set = stickyCookies(app, secret, tg, "i-0abc:32769", { stuck: false, targetSetCookie: ["SESSION=s2; HttpOnly"] }, t0);
    assert.equal(set.length, 1);
    assert.match(set[0]!, /^AWSALBAPP-0=[^;]+; Expires=Mon, 07 Dec 2026 08:00:00 GMT; Path=\/$/);
    assert.equal(appStickyTarget(secret, tg, set[0]!.slice("AWSALBAPP-0=".length, set[0]!.indexOf(";")), 60, t0 + 1000), "i-0abc:32769");
    assert.equal(stickyCookies(app, secret, tg, "i-0abc:32769", { stuck: true, targetSetCookie: [] }, t0).length, 1, "reset on a stuck request");
    assert.deepEqual(stickyCookies(app, secret, tg, "i-0abc:32769", { stuck: false, targetSetCookie: ["other=1"] }, t0), []);
  });
});

describe("target group stickiness (a forward action's weighted groups)", () => {
  it("AWSALBTG and AWSALBTGCORS name a group for the duration; a request carrying AWSALBTG comes back to it, a made-up one to nothing", () => {
    const t0 = Date.UTC(2026, 10, 30, 8, 0, 0);
    const [tgCookie, cors] = groupCookies(secret, tg, 60, t0);
    assert.match(tgCookie!, /^AWSALBTG=[^;]+; Expires=Mon, 30 Nov 2026 08:01:00 GMT; Path=\/$/);
    assert.match(cors!, /^AWSALBTGCORS=[^;]+; .*SameSite=None; Secure$/);
    const value = tgCookie!.slice("AWSALBTG=".length, tgCookie!.indexOf(";"));
    assert.equal(stuckGroup(secret, `a=1; AWSALBTG=${value}`), tg);
    assert.equal(stuckGroup(secret, `AWSALB=${value}`), undefined);
    assert.equal(stuckGroup(secret, `AWSALBTG=${stickyValue(secret, tg, tg)}`), undefined, "signed for another purpose");
    assert.equal(stuckGroup(Buffer.alloc(32, 9), `AWSALBTG=${value}`), undefined);
  });
});
