import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { arnSuffix } from "../src/domain/load-balancing/arns.js";
import { BerthCluster } from "./support/berth-cluster.js";
import { parsePrometheusText } from "./support/prometheus-text.js";
import { elbv2, elbv2Error, first, get } from "./support/elbv2-cli.js";
import { until } from "./support/until.js";
import { aWebLoadBalancer, awsJson, registerTaskIdWeb, targetHealth, taskIdOf, type TargetHealthDescription } from "./support/web-behind-lb.js";

interface CliTask {
  taskArn: string;
  lastStatus: string;
  desiredStatus: string;
  containers: { networkBindings?: { hostPort: number; containerPort: number }[] }[];
}

/**
 * Issue 11, acceptance 1, with /usr/bin/aws only: a load balancer, a target group and a listener,
 * and a service of 4 tasks with dynamic host ports behind it, on a real server, agent and Docker.
 */
describe("a service behind an ELBv2 load balancer (aws CLI only)", () => {
  let cluster: BerthCluster;
  let port: number;
  let lbArn: string;
  let tgArn: string;
  /** Requests the listener sent to web-tg's targets (the acceptance test's), and fixed responses. */
  let forwarded = 0;
  const aws = awsJson(() => cluster.server);
  const tasks = async (desired = "RUNNING"): Promise<CliTask[]> => {
    const arns = (await aws("ecs", "list-tasks", "--cluster", cluster.name, "--service-name", "web", "--desired-status", desired)).taskArns as string[];
    if (arns.length === 0) return [];
    return (await aws("ecs", "describe-tasks", "--cluster", cluster.name, "--tasks", ...arns)).tasks as CliTask[];
  };
  const health = (): Promise<TargetHealthDescription[]> => targetHealth(cluster.server, tgArn);
  const events = async (): Promise<string[]> =>
    ((await aws("ecs", "describe-services", "--cluster", cluster.name, "--services", "web")).services as { events: { message: string }[] }[])[0]!.events.map((e) => e.message);

  before(async () => {
    cluster = await BerthCluster.start({ name: "lb-services", agents: 1, serverArgs: ["--task-healthy-after", "2s", "--metrics-flush", "1s"] });
    port = await freeBlock(1);
  });
  after(() => cluster.stop());

  it("creates the load balancer, a target group (HTTP, health check /) and a listener on a free port", async () => {
    ({ lbArn, tgArn } = await aWebLoadBalancer(cluster.server, port, { loadBalancerArgs: ["--subnets", "subnet-a"], targetGroupArgs: ["--vpc-id", "vpc-1"], deregistrationDelaySeconds: 10 }));
  });

  it("refuses a service naming a container port the task definition does not map, with ECS's message", async () => {
    const r = await cluster.server.aws("ecs", "create-service", "--cluster", cluster.name, "--service-name", "bad", "--task-definition", await registerWeb(), "--desired-count", "1",
      "--load-balancers", `targetGroupArn=${tgArn},containerName=web,containerPort=8080`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /InvalidParameterException.*The container web did not have a container port 8080 defined/);
  });

  it("runs 4 tasks with hostPort 0 behind it: 4 healthy targets on the tasks' host ports, and requests reach all 4", async () => {
    await aws("ecs", "create-service", "--cluster", cluster.name, "--service-name", "web", "--task-definition", await registerWeb(), "--desired-count", "4",
      "--load-balancers", `targetGroupArn=${tgArn},containerName=web,containerPort=80`);
    const running = await until("4 RUNNING tasks", async () => {
      const ts = await tasks();
      return ts.length === 4 && ts.every((t) => t.lastStatus === "RUNNING") ? ts : undefined;
    }, { timeoutMs: 60_000 });
    const targets = await until("4 healthy targets", async () => {
      const hs = await health();
      return hs.length === 4 && hs.every((h) => h.TargetHealth.State === "healthy") ? hs : undefined;
    }, { timeoutMs: 40_000 });
    const hostPorts = running.map((t) => t.containers[0]!.networkBindings!.find((b) => b.containerPort === 80)!.hostPort).sort();
    assert.deepEqual(targets.map((t) => t.Target.Port).sort(), hostPorts);
    const instanceId = ((await aws("ecs", "describe-container-instances", "--cluster", cluster.name, "--container-instances", cluster.agents[0]!.containerInstanceArn)).containerInstances as { ec2InstanceId: string }[])[0]!.ec2InstanceId;
    assert.ok(targets.every((t) => t.Target.Id === instanceId), "instance targets are named by the instance's id, as ECS registers them");

    const answered = new Set<string>();
    for (let i = 0; i < 40 && answered.size < 4; i++, forwarded++) answered.add(taskIdOf((await get(port, "/")).body));
    assert.deepEqual([...answered].sort(), running.map((t) => t.taskArn.split("/").at(-1)!).sort());
    assert.ok((await events()).some((m) => /^\(service web\) registered \d+ targets in \(target-group arn:aws:elasticloadbalancing:/.test(m)));
  });

  it("stickiness (lb_cookie): AWSALB keeps a client on one task for its duration; a made-up cookie is ignored", async () => {
    await elbv2(cluster.server, "modify-target-group-attributes", "--target-group-arn", tgArn, "--attributes",
      "Key=stickiness.enabled,Value=true", "Key=stickiness.type,Value=lb_cookie", "Key=stickiness.lb_cookie.duration_seconds,Value=120");
    const cookieOf = (headers: Record<string, unknown>): string | undefined => {
      const set = headers["set-cookie"];
      return (Array.isArray(set) ? (set as string[]) : []).find((c) => c.startsWith("AWSALB="))?.split(";")[0];
    };
    const stuck = await until("a response with an AWSALB cookie", async () => {
      const r = await get(port, "/");
      const cookie = cookieOf(r.headers);
      return cookie === undefined ? undefined : { cookie, task: taskIdOf(r.body), setCookies: r.headers["set-cookie"] as string[] };
    });
    assert.ok(stuck.setCookies.some((c) => /^AWSALBCORS=[^;]+; Expires=[^;]+ GMT; Path=\/; SameSite=None; Secure$/.test(c)), stuck.setCookies.join(" | "));
    const expires = Date.parse(/Expires=([^;]+)/.exec(stuck.setCookies[0]!)![1]!);
    assert.ok(Math.abs(expires - (Date.now() + 120_000)) < 10_000, `Expires ${new Date(expires).toISOString()} is not about 120 s from now`);
    for (let i = 0; i < 12; i++) {
      const r = await get(port, "/", { cookie: stuck.cookie });
      assert.equal(taskIdOf(r.body), stuck.task, `request ${i} with the cookie left its task`);
    }
    // Without the cookie (or with one a client made up) requests spread over the tasks again.
    const spread = new Set<string>();
    for (let i = 0; i < 12; i++) spread.add(taskIdOf((await get(port, "/", { cookie: `AWSALB=${Buffer.from("i-0:1").toString("base64url")}.forged` })).body));
    assert.ok(spread.size > 1, `a made-up cookie kept every request on ${[...spread].join(", ")}`);
    await elbv2(cluster.server, "modify-target-group-attributes", "--target-group-arn", tgArn, "--attributes", "Key=stickiness.enabled,Value=false");
    await until("no more AWSALB cookie once stickiness is off", async () => (cookieOf((await get(port, "/")).headers) === undefined ? true : undefined));
  });

  it("refuses to delete the target group while a listener forwards to it (ResourceInUse)", async () => {
    assert.equal((await elbv2Error(cluster.server, "delete-target-group", "--target-group-arn", tgArn)).code, "ResourceInUse");
  });

  it("path rules send /a/* and /b/* to two services; a fixed-response rule answers without a target", async () => {
    const listenerArn = first(await elbv2(cluster.server, "describe-listeners", "--load-balancer-arn", (await elbv2(cluster.server, "describe-load-balancers", "--names", "web-lb") as { LoadBalancers: { LoadBalancerArn: string }[] }).LoadBalancers[0]!.LoadBalancerArn), "Listeners", "ListenerArn");
    const groups: Record<string, string> = {};
    for (const name of ["a", "b"]) {
      groups[name] = first(
        await elbv2(cluster.server, "create-target-group", "--name", `tg-${name}`, "--protocol", "HTTP", "--port", "80", "--health-check-path", `/${name}/`,
          "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "2", "--healthy-threshold-count", "2"),
        "TargetGroups",
        "TargetGroupArn",
      );
      await elbv2(cluster.server, "create-rule", "--listener-arn", listenerArn, "--priority", name === "a" ? "10" : "20", "--conditions", `Field=path-pattern,Values=/${name}/*`, "--actions", `Type=forward,TargetGroupArn=${groups[name]}`);
      await aws("ecs", "create-service", "--cluster", cluster.name, "--service-name", `svc-${name}`, "--task-definition", await registerWeb(), "--desired-count", "1",
        "--load-balancers", `targetGroupArn=${groups[name]},containerName=web,containerPort=80`);
    }
    await elbv2(cluster.server, "create-rule", "--listener-arn", listenerArn, "--priority", "5", "--conditions", "Field=path-pattern,Values=/ping", "--actions", "Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain,MessageBody=pong}");
    const taskOf = async (svc: string): Promise<string> => {
      const arns = (await aws("ecs", "list-tasks", "--cluster", cluster.name, "--service-name", svc)).taskArns as string[];
      return arns[0]?.split("/").at(-1) ?? "";
    };
    for (const name of ["a", "b"]) {
      await until(`tg-${name} healthy`, async () => {
        const hs = (await elbv2(cluster.server, "describe-target-health", "--target-group-arn", groups[name]!)).TargetHealthDescriptions as TargetHealthDescription[];
        return hs.length === 1 && hs[0]!.TargetHealth.State === "healthy" ? true : undefined;
      }, { timeoutMs: 60_000 });
      const expected = await taskOf(`svc-${name}`);
      for (let i = 0; i < 4; i++) assert.equal(taskIdOf((await get(port, `/${name}/`)).body), expected);
    }
    assert.notEqual(await taskOf("svc-a"), await taskOf("svc-b"));
    assert.deepEqual(await get(port, "/ping").then((r) => [r.status, r.body]), [200, "pong"]);
    // Without its rule, tg-b is still a service's: ResourceInUse names it.
    const rules = (await elbv2(cluster.server, "describe-rules", "--listener-arn", listenerArn)).Rules as { RuleArn: string; Priority: string }[];
    await elbv2(cluster.server, "delete-rule", "--rule-arn", rules.find((r) => r.Priority === "20")!.RuleArn);
    const refused = await elbv2Error(cluster.server, "delete-target-group", "--target-group-arn", groups.b!);
    assert.equal(refused.code, "ResourceInUse");
    assert.match(refused.message, /service 'arn:aws:ecs:us-east-1:000000000000:service\/[^/]+\/svc-b'/);
  });

  it("publishes the listener's traffic and the target groups' health in AWS/ApplicationELB, as ELB does (aws cloudwatch)", async () => {
    const lb = `Name=LoadBalancer,Value=${arnSuffix(lbArn)}`;
    const tg = `Name=TargetGroup,Value=${arnSuffix(tgArn)}`;
    const stat = async (metric: string, statistic: string, ...dimensions: string[]): Promise<number | undefined> => {
      const out = await aws("cloudwatch", "get-metric-statistics", "--namespace", "AWS/ApplicationELB", "--metric-name", metric, "--dimensions", ...dimensions,
        "--start-time", new Date(Date.now() - 600_000).toISOString(), "--end-time", new Date(Date.now() + 60_000).toISOString(), "--period", "3600", "--statistics", statistic);
      return (out.Datapoints as Record<string, number>[])[0]?.[statistic];
    };
    // Requests counted since the first test, at least: the other tests sent web-tg more (stickiness).
    await until("RequestCount of web-lb and web-tg", async () => ((await stat("RequestCount", "Sum", lb, tg)) ?? 0) >= forwarded ? true : undefined, { timeoutMs: 10_000 });
    assert.ok(((await stat("RequestCount", "Sum", lb)) ?? 0) >= forwarded + 8, "the load balancer's count takes /a/ and /b/'s too");
    assert.equal(await stat("HTTPCode_Target_2XX_Count", "Minimum", lb, tg), 1, "a count is a sample of 1 per request, as ELB's");
    assert.equal(await stat("HTTP_Fixed_Response_Count", "Sum", lb), 1);
    assert.equal(await stat("HealthyHostCount", "Maximum", lb, tg), 4);
    assert.equal(await stat("UnHealthyHostCount", "Maximum", lb, tg), 0);
    const latency = (await stat("TargetResponseTime", "Average", lb, tg)) ?? -1;
    assert.ok(latency > 0 && latency < 1, `TargetResponseTime ${latency} s`);
    // Response times are counted one by one: their percentiles too, as ELB's (p99 at or under the slowest).
    const tail = await aws("cloudwatch", "get-metric-statistics", "--namespace", "AWS/ApplicationELB", "--metric-name", "TargetResponseTime", "--dimensions", lb, tg,
      "--start-time", new Date(Date.now() - 600_000).toISOString(), "--end-time", new Date(Date.now() + 60_000).toISOString(), "--period", "3600", "--statistics", "Maximum", "--extended-statistics", "p50", "p99");
    const [point] = tail.Datapoints as { Maximum: number; ExtendedStatistics: { p50: number; p99: number } }[];
    assert.ok(point && point.ExtendedStatistics.p50 > 0 && point.ExtendedStatistics.p50 <= point.ExtendedStatistics.p99 && point.ExtendedStatistics.p99 <= point.Maximum, JSON.stringify(point));
    const listed = (await aws("cloudwatch", "list-metrics", "--namespace", "AWS/ApplicationELB", "--metric-name", "RequestCountPerTarget")).Metrics as { Dimensions: { Name: string }[] }[];
    assert.ok(listed.some((m) => m.Dimensions.length === 1 && m.Dimensions[0]!.Name === "TargetGroup"), "RequestCountPerTarget by TargetGroup alone, what ALBRequestCountPerTarget tracks");
  });

  it("serves the same traffic and health on /metrics, as Prometheus counters and gauges", async () => {
    const families = new Map((await parsePrometheusText(await (await fetch(`${cluster.server.endpoint}/metrics`)).text())).map((f) => [f.name, f]));
    const value = (family: string, type: string, sample: string, labels: Record<string, string>): number | undefined => {
      assert.equal(families.get(family)?.type, type, `${family} is a ${type}`);
      return families.get(family)!.samples.find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    };
    const pair = { region: "us-east-1", load_balancer: arnSuffix(lbArn), target_group: arnSuffix(tgArn) };
    const own = { ...pair, target_group: "" };
    assert.ok((value("aws_elb_request_count", "counter", "aws_elb_request_count_total", pair) ?? 0) >= forwarded);
    assert.equal(value("aws_elb_http_fixed_response_count", "counter", "aws_elb_http_fixed_response_count_total", own), 1);
    assert.ok((value("aws_elb_new_connection_count", "counter", "aws_elb_new_connection_count_total", own) ?? 0) >= 1);
    assert.equal(value("aws_elb_healthy_host_count", "gauge", "aws_elb_healthy_host_count", pair), 4);
    assert.equal(value("aws_elb_unhealthy_host_count", "gauge", "aws_elb_unhealthy_host_count", pair), 0);
    const seconds = value("aws_elb_target_response_time_seconds", "counter", "aws_elb_target_response_time_seconds_total", pair) ?? 0;
    const responses = value("aws_elb_target_responses", "counter", "aws_elb_target_responses_total", pair) ?? 0;
    assert.ok(responses >= forwarded && seconds / responses > 0 && seconds / responses < 1, `${seconds} s over ${responses} responses`);
  });

  const registerWeb = (): Promise<string> => registerTaskIdWeb(cluster.server, "lb-web");
});
