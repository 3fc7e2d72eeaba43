import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateServiceCommand } from "@aws-sdk/client-ecs";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { arnSuffix } from "../src/domain/load-balancing/arns.js";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { cpuBurner, startBurning, stopBurning } from "./support/cpu-burner.js";
import { aTaskDefinition } from "./support/fixtures.js";
import { describeService } from "./support/services.js";
import { until } from "./support/until.js";
import { get } from "./support/elbv2-cli.js";
import { aWebLoadBalancer, registerWebOnDynamicPort, targetHealth } from "./support/web-behind-lb.js";

interface Activity {
  Description: string;
  Cause: string;
  StatusCode: string;
  StartTime: string;
}

/**
 * Application Auto Scaling end to end: a real server, a real agent on Docker, the AWS CLI. Target
 * tracking's alarms evaluate one one-minute period each (`--target-tracking-periods 1,1`) every 2 s,
 * so that a scale-out and a scale-in each take a minute or two instead of AWS's 3 and 15. The cases
 * run side by side, each on a service of its own: most of their time is waiting for minutes to end.
 */
describe("Application Auto Scaling of ECS services: target tracking, step scaling, scheduled actions", { concurrency: true }, () => {
  let cluster: BerthCluster;
  before(async () => {
    cluster = await BerthCluster.start({
      name: "autoscaling",
      agents: 1,
      agentEnv: { ECS_POLLING_METRICS_WAIT_DURATION: "1s" },
      serverArgs: ["--metrics-flush", "1s", "--alarm-interval", "2s", "--target-tracking-periods", "1,1"],
    });
  });
  after(() => cluster.stop());

  const cli = async (...args: string[]) => {
    const out = await cluster.server.aws(...args);
    assert.equal(out.code, 0, out.stderr);
    return (out.stdout ? JSON.parse(out.stdout) : {}) as Record<string, unknown>;
  };
  const target = (service: string) => ["--service-namespace", "ecs", "--resource-id", `service/${cluster.name}/${service}`, "--scalable-dimension", "ecs:service:DesiredCount"];
  const activities = async (service: string) =>
    (await cli("application-autoscaling", "describe-scaling-activities", "--service-namespace", "ecs", "--resource-id", `service/${cluster.name}/${service}`)).ScalingActivities as Activity[];
  const counts = async (service: string) => {
    const s = await describeService(cluster.ecs, cluster.name, service);
    return { desired: s.desiredCount, running: s.runningCount, events: (s.events ?? []).map((e) => e.message ?? "") };
  };
  const settled = (service: string, n: number, timeoutMs: number) =>
    until(`${service} at ${n} running tasks`, async () => {
      const c = await counts(service);
      return c.desired === n && c.running === n ? c : undefined;
    }, { timeoutMs, everyMs: 1000 });
  const serviceOf = async (name: string) => {
    const taskDefinition = await cluster.register(aTaskDefinition(name, [cpuBurner()]));
    await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: name, taskDefinition, desiredCount: 1 }));
    await settled(name, 1, 30_000);
  };

  it("target tracking at 50 % CPU scales a loaded service out, and back in once the load stops", async () => {
    await serviceOf("cpu");
    await cli("application-autoscaling", "register-scalable-target", ...target("cpu"), "--min-capacity", "1", "--max-capacity", "3");
    const policy = await cli("application-autoscaling", "put-scaling-policy", ...target("cpu"), "--policy-name", "cpu50", "--policy-type", "TargetTrackingScaling",
      "--target-tracking-scaling-policy-configuration", JSON.stringify({ TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" }, ScaleOutCooldown: 0, ScaleInCooldown: 0 }));
    const alarmNames = (policy.Alarms as { AlarmName: string }[]).map((a) => a.AlarmName);
    const described = await cli("cloudwatch", "describe-alarms", "--alarm-name-prefix", `TargetTracking-service/${cluster.name}/cpu-`);
    assert.deepEqual((described.MetricAlarms as { AlarmName: string }[]).map((a) => a.AlarmName).sort(), [...alarmNames].sort());
    const [high, low] = [alarmNames.find((n) => n.includes("-AlarmHigh-"))!, alarmNames.find((n) => n.includes("-AlarmLow-"))!];

    const loadStart = Date.now();
    // The cpu service's container (the other cases' services run beside it), by its task definition's family.
    const [container] = (await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.cluster=${cluster.name}`, "--filter", "label=com.amazonaws.ecs.task-definition-family=cpu")).split("\n").filter(Boolean);
    await startBurning(container!);
    const out = await settled("cpu", 3, 240_000);
    assert.ok(out.events.some((e) => e.startsWith("Message: Successfully set desired count to 3. Change successfully fulfilled by ecs. Cause: monitor alarm " + high + " in state ALARM triggered policy cpu50")), out.events.join("\n"));

    // The CLI's CloudWatch sees the load that did it.
    const stats = await cli("cloudwatch", "get-metric-statistics", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization",
      "--dimensions", `Name=ClusterName,Value=${cluster.name}`, "Name=ServiceName,Value=cpu",
      "--start-time", new Date(loadStart - 120_000).toISOString(), "--end-time", new Date(Date.now() + 60_000).toISOString(), "--period", "60", "--statistics", "Average");
    assert.ok((stats.Datapoints as { Average: number }[]).some((p) => p.Average > 50), JSON.stringify(stats.Datapoints));

    await stopBurning(cluster.name);
    const back = await settled("cpu", 1, 300_000);
    assert.ok(back.events.some((e) => e.startsWith("Message: Successfully set desired count to 1. Change successfully fulfilled by ecs. Cause: monitor alarm " + low + " in state ALARM triggered policy cpu50")), back.events.join("\n"));
    const causes = (await activities("cpu")).map((a) => [a.StatusCode, a.Cause]);
    assert.deepEqual(causes.at(-1), ["Successful", `monitor alarm ${high} in state ALARM triggered policy cpu50`], "the first activity was the scale-out");
    assert.deepEqual(causes[0], ["Successful", `monitor alarm ${low} in state ALARM triggered policy cpu50`], "the newest the scale-in");
  });

  it("target tracking on ALBRequestCountPerTarget: requests through the load balancer scale the service out, and back in once they stop", async () => {
    const port = await freeBlock(1);
    const { lbArn, tgArn } = await aWebLoadBalancer(cluster.server, port, { prefix: "req" });
    const taskDefinition = await registerWebOnDynamicPort(cluster.server, "req-web");
    await cli("ecs", "create-service", "--cluster", cluster.name, "--service-name", "req", "--task-definition", taskDefinition, "--desired-count", "1",
      "--load-balancers", `targetGroupArn=${tgArn},containerName=web,containerPort=80`);
    await until("req's target healthy", async () => ((await targetHealth(cluster.server, tgArn)).some((t) => t.TargetHealth.State === "healthy") ? true : undefined), { timeoutMs: 60_000 });
    await cli("application-autoscaling", "register-scalable-target", ...target("req"), "--min-capacity", "1", "--max-capacity", "4");
    await cli("application-autoscaling", "put-scaling-policy", ...target("req"), "--policy-name", "requests", "--policy-type", "TargetTrackingScaling",
      "--target-tracking-scaling-policy-configuration",
      JSON.stringify({ TargetValue: 200, PredefinedMetricSpecification: { PredefinedMetricType: "ALBRequestCountPerTarget", ResourceLabel: `${arnSuffix(lbArn)}/${arnSuffix(tgArn)}` }, ScaleOutCooldown: 0, ScaleInCooldown: 0 }));
    // 600 requests to one target within a minute or two: at least 300 per target in one minute, above the target of 200.
    for (let i = 0; i < 600; i++) assert.equal((await get(port, "/")).status, 200);
    const out = await until("req scaled out", async () => {
      const c = await counts("req");
      return (c.desired ?? 0) >= 2 ? c : undefined;
    }, { timeoutMs: 150_000, everyMs: 1000 });
    const [scaledOut] = await activities("req");
    assert.match(scaledOut?.Cause ?? "", new RegExp(`monitor alarm TargetTracking-service/${cluster.name}/req-AlarmHigh-[0-9a-f-]+ in state ALARM triggered policy requests`));
    assert.ok(out.events.some((e) => e.includes(`Successfully set desired count to ${out.desired}.`) && e.includes("triggered policy requests")), out.events.join("\n"));
    // No requests: RequestCountPerTarget is 0 at every tick, below 90 % of the target; back to the minimum.
    await settled("req", 1, 180_000);
  });

  it("a step policy driven by an alarm on a custom metric, then a scheduled action, each change the desired count when they should", async () => {
    await serviceOf("steps");
    await cli("application-autoscaling", "register-scalable-target", ...target("steps"), "--min-capacity", "1", "--max-capacity", "5");
    const policyArn = (await cli("application-autoscaling", "put-scaling-policy", ...target("steps"), "--policy-name", "queue-steps", "--policy-type", "StepScaling",
      "--step-scaling-policy-configuration", JSON.stringify({ AdjustmentType: "ChangeInCapacity", Cooldown: 600, StepAdjustments: [{ MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 2 }, { MetricIntervalLowerBound: 100, ScalingAdjustment: 4 }] }))).PolicyARN as string;
    await cli("cloudwatch", "put-metric-alarm", "--alarm-name", "queue-deep", "--namespace", "App", "--metric-name", "QueueDepth", "--dimensions", "Name=Queue,Value=jobs",
      "--statistic", "Average", "--period", "60", "--evaluation-periods", "1", "--threshold", "10", "--comparison-operator", "GreaterThanThreshold", "--alarm-actions", policyArn);
    assert.equal((await counts("steps")).desired, 1, "nothing before the alarm");
    // 60 in the last three minutes: whichever complete minute the evaluation sees, it breaches by 50: the first step, +2.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await cli("cloudwatch", "put-metric-data", "--namespace", "App", "--metric-data",
      JSON.stringify([1, 2, 3].map((i) => ({ MetricName: "QueueDepth", Dimensions: [{ Name: "Queue", Value: "jobs" }], Value: 60, Timestamp: new Date(minute - i * 60_000 + 1000).toISOString() }))));
    const stepped = await settled("steps", 3, 60_000);
    assert.ok(stepped.events.some((e) => e.includes("Cause: monitor alarm queue-deep in state ALARM triggered policy queue-steps")), stepped.events.join("\n"));

    // A one-time action a few seconds ahead raises the minimum to 4: the count follows at that time
    // (the CLI takes a second or more a call on a loaded machine: the action is 10 s ahead, and the
    // count is read with the SDK right after it is put).
    const at = new Date(Math.ceil((Date.now() + 10_000) / 1000) * 1000);
    await cli("application-autoscaling", "put-scheduled-action", ...target("steps"), "--scheduled-action-name", "rush", "--schedule", `at(${at.toISOString().slice(0, 19)})`,
      "--scalable-target-action", "MinCapacity=4");
    const before = await counts("steps");
    assert.ok(Date.now() < at.getTime(), `the action was put ${Date.now() - at.getTime()} ms after its own time: the machine is too slow for this check`);
    assert.equal(before.desired, 3, "still 3 before the action's time");
    const listed = await cli("application-autoscaling", "describe-scheduled-actions", "--service-namespace", "ecs", "--resource-id", `service/${cluster.name}/steps`);
    assert.deepEqual((listed.ScheduledActions as { ScheduledActionName: string; ScalableTargetAction: object }[]).map((a) => [a.ScheduledActionName, a.ScalableTargetAction]), [["rush", { MinCapacity: 4 }]]);
    await settled("steps", 4, 60_000);
    const [rush] = await activities("steps");
    assert.deepEqual([rush?.Description, rush?.Cause, rush?.StatusCode], ["Setting min capacity to 4", "scheduled action name rush was triggered", "Successful"]);
    const ranAt = Date.parse(rush!.StartTime);
    assert.ok(ranAt >= at.getTime() && ranAt < at.getTime() + 5_000, `ran at ${rush!.StartTime}, due ${at.toISOString()}`);
    const t = (await cli("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs", "--resource-ids", `service/${cluster.name}/steps`)).ScalableTargets as { MinCapacity: number; MaxCapacity: number }[];
    assert.deepEqual(t.map((x) => [x.MinCapacity, x.MaxCapacity]), [[4, 5]]);
  });
});
