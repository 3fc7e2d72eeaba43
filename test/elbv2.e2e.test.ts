import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DescribeTargetHealthCommand, RegisterTargetsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthServer } from "./support/berth-server.js";
import { elbv2, elbv2Client, elbv2Error, first, get, TestTarget } from "./support/elbv2-cli.js";
import { until } from "./support/until.js";

/** ELBv2 with /usr/bin/aws only, against a real `berth server`, its listeners proxying to local HTTP targets. */
describe("ELBv2 (aws elbv2) against a real server", () => {
  let server: BerthServer;
  let targets: TestTarget[];
  let port: number;
  let lbArn: string;
  let tgArn: string;
  let listenerArn: string;

  before(async () => {
    server = await BerthServer.start();
    targets = await Promise.all(["one", "two"].map((n) => TestTarget.start(n)));
    port = await freeBlock(2);
  });
  after(async () => {
    await server.stop();
    await Promise.all(targets.map((t) => t.close()));
  });

  it("creates a load balancer (idempotently), and refuses its name with other settings", async () => {
    const out = await elbv2(server, "create-load-balancer", "--name", "web", "--subnets", "subnet-1", "--tags", "Key=team,Value=a");
    lbArn = first(out, "LoadBalancers", "LoadBalancerArn");
    assert.match(lbArn, /^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/web\/[0-9a-f]{16}$/);
    assert.equal(first(out, "LoadBalancers", "Type"), "application");
    assert.equal(first(await elbv2(server, "create-load-balancer", "--name", "web"), "LoadBalancers", "LoadBalancerArn"), lbArn);
    assert.equal((await elbv2Error(server, "create-load-balancer", "--name", "web", "--type", "network")).code, "DuplicateLoadBalancerName");
    assert.equal((await elbv2Error(server, "describe-load-balancers", "--names", "nope")).code, "LoadBalancerNotFound");
    assert.equal((await elbv2Error(server, "create-load-balancer", "--name", "bad-")).code, "ValidationError");
  });

  it("creates a target group with its health check, and keeps its attributes", async () => {
    const out = await elbv2(server, "create-target-group", "--name", "tg", "--protocol", "HTTP", "--port", "80", "--vpc-id", "vpc-1",
      "--health-check-path", "/health", "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "2", "--healthy-threshold-count", "2", "--unhealthy-threshold-count", "2", "--matcher", "HttpCode=200-299");
    tgArn = first(out, "TargetGroups", "TargetGroupArn");
    const tg = (out.TargetGroups as Record<string, unknown>[])[0]!;
    assert.deepEqual([tg.HealthCheckPath, tg.HealthCheckIntervalSeconds, tg.HealthyThresholdCount, tg.Matcher], ["/health", 5, 2, { HttpCode: "200-299" }]);
    const attrs = await elbv2(server, "modify-target-group-attributes", "--target-group-arn", tgArn, "--attributes", "Key=deregistration_delay.timeout_seconds,Value=5", "Key=load_balancing.algorithm.type,Value=least_outstanding_requests");
    const byKey = new Map((attrs.Attributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));
    assert.equal(byKey.get("deregistration_delay.timeout_seconds"), "5");
    assert.equal(byKey.get("load_balancing.algorithm.type"), "least_outstanding_requests");
    assert.equal((await elbv2Error(server, "modify-target-group-attributes", "--target-group-arn", tgArn, "--attributes", "Key=nope,Value=1")).code, "InvalidConfigurationRequest");
    assert.equal((await elbv2Error(server, "create-target-group", "--name", "tg2", "--protocol", "HTTP", "--port", "80", "--health-check-interval-seconds", "5")).code, "ValidationError");
    assert.equal((await elbv2Error(server, "describe-target-groups", "--target-group-arns", tgArn.replace(/[0-9a-f]{16}$/, "0000000000000000"))).code, "TargetGroupNotFound");
  });

  it("opens a listener on a free port; a port in use by the same load balancer is DuplicateListener", async () => {
    const out = await elbv2(server, "create-listener", "--load-balancer-arn", lbArn, "--protocol", "HTTP", "--port", String(port), "--default-actions", `Type=forward,TargetGroupArn=${tgArn}`);
    listenerArn = first(out, "Listeners", "ListenerArn");
    assert.equal((await elbv2Error(server, "create-listener", "--load-balancer-arn", lbArn, "--protocol", "HTTP", "--port", String(port), "--default-actions", "Type=fixed-response,FixedResponseConfig={StatusCode=200}")).code, "DuplicateListener");
    const described = await elbv2(server, "describe-target-groups", "--target-group-arns", tgArn);
    assert.deepEqual((described.TargetGroups as Record<string, unknown>[])[0]!.LoadBalancerArns, [lbArn]);
    assert.equal((await elbv2Error(server, "delete-target-group", "--target-group-arn", tgArn)).code, "ResourceInUse");
    // No target yet: the load balancer answers 503 itself.
    assert.equal((await until("the listener to answer", () => get(port, "/").catch(() => undefined))).status, 503);
  });

  it("registers targets: initial, then healthy; requests reach both with X-Forwarded-For/-Proto/-Port", async () => {
    await elbv2(server, "register-targets", "--target-group-arn", tgArn, "--targets", ...targets.map((t) => `Id=127.0.0.1,Port=${t.port}`));
    const health = async () => (await elbv2(server, "describe-target-health", "--target-group-arn", tgArn)).TargetHealthDescriptions as { Target: { Port: number }; TargetHealth: { State: string; Reason?: string } }[];
    await until("both targets healthy", async () => ((await health()).filter((d) => d.TargetHealth.State === "healthy").length === 2 ? true : undefined), { timeoutMs: 20_000 });
    const bodies = new Set<string>();
    for (let i = 0; i < 6; i++) bodies.add((await get(port, "/x")).body);
    assert.deepEqual([...bodies].sort(), ["one", "two"]);
    const seen = targets[0]!.seen.at(-1)!;
    assert.deepEqual([seen.xff, seen.proto, seen.port], ["127.0.0.1", "http", String(port)]);
  });

  it("marks a target whose health check answers 500 unhealthy with Target.ResponseCodeMismatch, and sends it nothing", async () => {
    targets[1]!.health = 500;
    const d = await until("target two unhealthy", async () => {
      const out = (await elbv2(server, "describe-target-health", "--target-group-arn", tgArn, "--targets", `Id=127.0.0.1,Port=${targets[1]!.port}`)).TargetHealthDescriptions as { TargetHealth: { State: string; Reason?: string; Description?: string } }[];
      return out[0]?.TargetHealth.State === "unhealthy" ? out[0].TargetHealth : undefined;
    }, { timeoutMs: 20_000 });
    assert.equal(d.Reason, "Target.ResponseCodeMismatch");
    assert.equal(d.Description, "Health checks failed with these codes: [500]");
    for (let i = 0; i < 4; i++) assert.equal((await get(port, "/y")).body, "one");
    targets[1]!.health = 200;
  });

  it("routes by path, host header, http header and query string; answers fixed responses and redirects", async () => {
    await elbv2(server, "create-rule", "--listener-arn", listenerArn, "--priority", "10", "--conditions", "Field=path-pattern,Values=/fixed/*", "--actions", "Type=fixed-response,FixedResponseConfig={StatusCode=418,ContentType=text/plain,MessageBody=teapot}");
    await elbv2(server, "create-rule", "--listener-arn", listenerArn, "--priority", "20", "--conditions", "Field=host-header,Values=old.example.*", "--actions", "Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,Host=new.example.com,StatusCode=HTTP_301}");
    await elbv2(server, "create-rule", "--listener-arn", listenerArn, "--priority", "30", "--conditions", "Field=http-header,HttpHeaderConfig={HttpHeaderName=X-Mode,Values=[maint]}", "--actions", "Type=fixed-response,FixedResponseConfig={StatusCode=503,MessageBody=maintenance}");
    await elbv2(server, "create-rule", "--listener-arn", listenerArn, "--priority", "40", "--conditions", "Field=query-string,QueryStringConfig={Values=[{Key=v,Value=2}]}", "--actions", "Type=fixed-response,FixedResponseConfig={StatusCode=200,MessageBody=v2}");
    assert.equal((await elbv2Error(server, "create-rule", "--listener-arn", listenerArn, "--priority", "10", "--conditions", "Field=path-pattern,Values=/z", "--actions", "Type=fixed-response,FixedResponseConfig={StatusCode=200}")).code, "PriorityInUse");
    await until("the rules applied", async () => ((await get(port, "/fixed/a")).status === 418 ? true : undefined));
    assert.equal((await get(port, "/fixed/a")).body, "teapot");
    const redirect = await get(port, "/p?q=1", { host: "old.example.org" });
    assert.deepEqual([redirect.status, redirect.headers.location], [301, "https://new.example.com/p?q=1"]);
    assert.deepEqual(await get(port, "/m", { "x-mode": "maint" }).then((r) => [r.status, r.body]), [503, "maintenance"]);
    assert.equal((await get(port, "/q?v=2")).body, "v2");
    const rules = (await elbv2(server, "describe-rules", "--listener-arn", listenerArn)).Rules as { Priority: string; IsDefault: boolean }[];
    assert.deepEqual(rules.map((r) => r.Priority), ["10", "20", "30", "40", "default"]);
  });

  it("application-based stickiness (app_cookie): once a target sets the named cookie, AWSALBAPP-0 keeps a client sending both on it, for the duration", async () => {
    const attributes = (...kv: string[]) => elbv2(server, "modify-target-group-attributes", "--target-group-arn", tgArn, "--attributes", ...kv);
    const refused = (...kv: string[]) => elbv2Error(server, "modify-target-group-attributes", "--target-group-arn", tgArn, "--attributes", ...kv);
    assert.match((await refused("Key=stickiness.enabled,Value=true", "Key=stickiness.type,Value=app_cookie")).message, /stickiness\.app_cookie\.cookie_name/);
    assert.equal((await refused("Key=stickiness.enabled,Value=true", "Key=stickiness.type,Value=app_cookie", "Key=stickiness.app_cookie.cookie_name,Value=AWSALBAPP")).code, "InvalidConfigurationRequest");
    assert.equal((await refused("Key=stickiness.app_cookie.cookie_name,Value=a;b")).code, "InvalidConfigurationRequest");
    assert.match((await refused("Key=stickiness.enabled,Value=true", "Key=stickiness.type,Value=source_ip")).message, /not supported for target groups with the HTTP protocol/);
    const set = await attributes("Key=stickiness.enabled,Value=true", "Key=stickiness.type,Value=app_cookie", "Key=stickiness.app_cookie.cookie_name,Value=SESSION", "Key=stickiness.app_cookie.duration_seconds,Value=60");
    assert.equal(new Map((set.Attributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value])).get("stickiness.app_cookie.cookie_name"), "SESSION");

    // Both targets healthy (two was unhealthy two tests ago): the SDK looks, the CLI's start-up would be the probe's cost.
    const elb = elbv2Client(server);
    await until("both targets healthy", async () => {
      const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
      return TargetHealthDescriptions.filter((d) => d.TargetHealth?.State === "healthy").length === 2 ? true : undefined;
    }, { timeoutMs: 20_000 });
    const cookie = (headers: Record<string, unknown>, name: string): string | undefined =>
      ((headers["set-cookie"] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`))?.split(";")[0];
    const login = await until("a login answered with AWSALBAPP-0", async () => {
      const r = await get(port, "/login");
      const lb = cookie(r.headers, "AWSALBAPP-0");
      return lb ? { target: r.body, both: `${cookie(r.headers, "SESSION")!}; ${lb}`, lb } : undefined;
    });
    assert.equal(cookie((await get(port, "/x")).headers, "AWSALBAPP-0"), undefined, "no application cookie from the target: no AWSALBAPP-0");
    for (let i = 0; i < 6; i++) assert.equal((await get(port, "/x", { cookie: login.both })).body, login.target, "both cookies: the same target");
    const spread = new Set<string>();
    for (let i = 0; i < 6; i++) spread.add((await get(port, "/x", { cookie: login.lb })).body);
    assert.deepEqual([...spread].sort(), ["one", "two"], "AWSALBAPP-0 without the application's cookie keeps nothing");

    // A duration of 1 s: a cookie not refreshed for longer keeps nothing.
    await attributes("Key=stickiness.app_cookie.duration_seconds,Value=1");
    const short = await until("a login under the 1 s duration", async () => {
      const r = await get(port, "/login");
      const lb = cookie(r.headers, "AWSALBAPP-0");
      return lb ? `${cookie(r.headers, "SESSION")!}; ${lb}` : undefined;
    });
    await new Promise((r) => setTimeout(r, 2100));
    const expired = new Set<string>();
    for (let i = 0; i < 6; i++) expired.add((await get(port, "/x", { cookie: short })).body);
    assert.deepEqual([...expired].sort(), ["one", "two"]);
    await attributes("Key=stickiness.enabled,Value=false");
  });

  it("target group stickiness: a rule forwarding to weighted groups keeps a client carrying AWSALBTG on its group", async () => {
    const elb = elbv2Client(server);
    // One group per target, so that the answer says the group.
    const groups = await Promise.all(targets.map(async (t) => {
      const arn = first(await elbv2(server, "create-target-group", "--name", `only-${t.name}`, "--protocol", "HTTP", "--port", "80", "--vpc-id", "vpc-1",
        "--health-check-path", "/health", "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "2", "--healthy-threshold-count", "2"), "TargetGroups", "TargetGroupArn");
      await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: "127.0.0.1", Port: t.port }] }));
      return arn;
    }));
    const forward = { Type: "forward", ForwardConfig: { TargetGroups: groups.map((TargetGroupArn) => ({ TargetGroupArn, Weight: 1 })), TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } };
    await elbv2(server, "create-rule", "--listener-arn", listenerArn, "--priority", "50", "--conditions", "Field=path-pattern,Values=/weighted/*", "--actions", JSON.stringify([forward]));
    await until("both groups' targets healthy", async () => {
      const states = await Promise.all(groups.map(async (TargetGroupArn) => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn }))).TargetHealthDescriptions?.[0]?.TargetHealth?.State));
      return states.every((s) => s === "healthy") ? true : undefined;
    }, { timeoutMs: 20_000 });
    const cookie = (headers: Record<string, unknown>): string | undefined => ((headers["set-cookie"] as string[] | undefined) ?? []).find((c) => c.startsWith("AWSALBTG="))?.split(";")[0];
    const firstAnswer = await get(port, "/weighted/a");
    const tgCookie = cookie(firstAnswer.headers);
    assert.ok(tgCookie, JSON.stringify(firstAnswer.headers));
    for (let i = 0; i < 8; i++) assert.equal((await get(port, "/weighted/b", { cookie: tgCookie })).body, firstAnswer.body, "AWSALBTG: the same group");
    const drawn = new Set<string>();
    for (let i = 0; i < 16 && drawn.size < 2; i++) drawn.add((await get(port, "/weighted/c")).body);
    assert.deepEqual([...drawn].sort(), ["one", "two"], "without it, drawn by weight");
  });

  it("drains a deregistered target: draining, then gone, and no new request reaches it", async () => {
    await elbv2(server, "deregister-targets", "--target-group-arn", tgArn, "--targets", `Id=127.0.0.1,Port=${targets[0]!.port}`);
    await until("target one gone", async () => {
      const ds = (await elbv2(server, "describe-target-health", "--target-group-arn", tgArn)).TargetHealthDescriptions as { Target: { Port: number } }[];
      return ds.every((d) => d.Target.Port !== targets[0]!.port) ? true : undefined;
    });
    const before = targets[0]!.seen.length;
    await until("target two healthy again", async () => ((await get(port, "/r")).body === "two" ? true : undefined), { timeoutMs: 20_000 });
    for (let i = 0; i < 4; i++) assert.equal((await get(port, "/r")).body, "two");
    assert.equal(targets[0]!.seen.length, before);
    assert.equal((await elbv2Error(server, "deregister-targets", "--target-group-arn", tgArn, "--targets", `Id=127.0.0.1,Port=${targets[0]!.port}`)).code, "InvalidTarget");
  });

  it("tags resources, and deletes the listener and load balancer (its port closes)", async () => {
    await elbv2(server, "add-tags", "--resource-arns", tgArn, "--tags", "Key=env,Value=test");
    const tags = (await elbv2(server, "describe-tags", "--resource-arns", lbArn, tgArn)).TagDescriptions as { Tags: { Key: string }[] }[];
    assert.deepEqual(tags.map((d) => d.Tags.map((t) => t.Key)), [["team"], ["env"]]);
    await elbv2(server, "delete-load-balancer", "--load-balancer-arn", lbArn);
    await until("the listener's port closed", () => get(port, "/").then(() => undefined, () => true));
    assert.equal((await elbv2Error(server, "describe-listeners", "--listener-arns", listenerArn)).code, "ListenerNotFound");
    await elbv2(server, "delete-target-group", "--target-group-arn", tgArn);
  });
});
