import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultHealthCheck, defaultLoadBalancerAttributes, defaultTargetGroupAttributes } from "../../domain/load-balancing/defaults.js";
import { statusOf } from "../../errors/catalog.js";
import { sdkModel } from "../sdk-model.js";
import { aTaskDefinition, jsonAnswer, signedJsonRequest, startInProcessEcs, type InProcessEcs, type JsonAnswer } from "../testing.js";
import type { ApplicationAutoScalingDeps } from "./deps.js";
import { applicationAutoScalingErrors } from "./errors.js";
import { applicationAutoScalingService } from "./service.js";

const model = sdkModel("@aws-sdk/client-application-auto-scaling");
const dim = "ecs:service:DesiredCount";
const svc = (resourceId = "service/default/web") => ({ ServiceNamespace: "ecs", ResourceId: resourceId, ScalableDimension: dim });
const cpu50 = { ...svc(), PolicyName: "cpu50", PolicyType: "TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" }, ScaleInCooldown: 0 } };
const steps = (adjustments: object[]) => ({ ...svc(), PolicyName: "steps", PolicyType: "StepScaling", StepScalingPolicyConfiguration: { AdjustmentType: "ChangeInCapacity", Cooldown: 60, StepAdjustments: adjustments } });

describe("Application Auto Scaling's catalog and table, held to @aws-sdk/client-application-auto-scaling", () => {
  const table = applicationAutoScalingService({} as ApplicationAutoScalingDeps);
  it("every name in the catalog is an exception of the model with its status; every operation is the model's and its declared exceptions are answered with their statuses", () => {
    for (const [code, status] of Object.entries(applicationAutoScalingErrors)) assert.equal(model.exceptions.get(code), status, code);
    for (const op of Object.keys(table.operations)) {
      assert.ok(model.operations.includes(op), op);
      for (const code of model.declaredErrors(op).filter((c) => c !== "ApplicationAutoScalingServiceException")) assert.equal(statusOf(code, applicationAutoScalingErrors), model.exceptions.get(code), `${op} declares ${code}`);
    }
    assert.equal(Object.keys(table.operations).length, 10);
  });
});

/** The real operation table behind the real JSON front door, with ECS on the same store. */
describe("Application Auto Scaling API (in process)", () => {
  let ecs: InProcessEcs;
  let call: (op: string, input: object) => Promise<JsonAnswer>;
  const ok = async <T = Record<string, unknown>>(op: string, input: object): Promise<T> => {
    const a = await call(op, input);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    return a.body as T;
  };
  before(async () => {
    let n = 0;
    const aas = (store: InProcessEcs["store"]) => applicationAutoScalingService({ store, newId: () => (++n).toString(16).padStart(32, "a"), trackingAlarms: { periodSeconds: 60, highPeriods: 3, lowPeriods: 15 } });
    ecs = startInProcessEcs((store) => [aas(store)]);
    const table = aas(ecs.store);
    call = async (op, input) => jsonAnswer(await ecs.dispatch(await signedJsonRequest(table, op, input)));
    await ecs.send("CreateCluster", { clusterName: "default" });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition());
    await ecs.send("CreateService", { serviceName: "web", taskDefinition: "web", desiredCount: 1 });
  });
  after(() => ecs.close());

  const refusals: [string, string, object, string, RegExp][] = [
    ["another namespace", "RegisterScalableTarget", { ...svc("table/x"), ServiceNamespace: "dynamodb", MinCapacity: 1, MaxCapacity: 2 }, "ValidationException", /Berth scales ECS services only/],
    ["a resource id that is not a service's", "RegisterScalableTarget", { ...svc("service/default"), MinCapacity: 1, MaxCapacity: 2 }, "ValidationException", /service\/<cluster name>\/<service name>/],
    ["a service that does not exist", "RegisterScalableTarget", { ...svc("service/default/nope"), MinCapacity: 1, MaxCapacity: 2 }, "ValidationException", /^ECS service doesn't exist: service\/default\/nope$/],
    ["a new target without capacities", "RegisterScalableTarget", { ...svc() }, "ValidationException", /MinCapacity and MaxCapacity are required/],
    ["min above max", "RegisterScalableTarget", { ...svc(), MinCapacity: 3, MaxCapacity: 2 }, "ValidationException", /Minimum capacity \(3\) cannot be greater than maximum capacity \(2\)/],
    ["a missing member", "RegisterScalableTarget", { ServiceNamespace: "ecs", ScalableDimension: dim }, "ValidationException", /ResourceId/],
    ["a policy of an unregistered target", "PutScalingPolicy", { ...cpu50, ResourceId: "service/default/other" }, "ObjectNotFoundException", /^No scalable target registered for service namespace: ecs, resource ID: service\/default\/other, scalable dimension: ecs:service:DesiredCount$/],
    ["a forged NextToken", "DescribeScalableTargets", { ServiceNamespace: "ecs", NextToken: "garbage" }, "InvalidNextTokenException", /NextToken is not valid/],
  ];
  for (const [what, op, input, code, message] of refusals) {
    it(`refuses ${what} with ${code}`, async () => {
      const a = await call(op, input);
      assert.deepEqual([a.status, a.body.__type], [400, code], JSON.stringify(a.body));
      assert.match(String(a.body.message), message);
      assert.deepEqual((await ok<{ ScalableTargets: unknown[] }>("DescribeScalableTargets", { ServiceNamespace: "ecs", ResourceIds: ["service/default/nope", "service/default/other"] })).ScalableTargets, []);
    });
  }

  it("registers a service's desired count, updates it in place and describes it", async () => {
    const { ScalableTargetARN } = await ok<{ ScalableTargetARN: string }>("RegisterScalableTarget", { ...svc(), MinCapacity: 1, MaxCapacity: 4 });
    assert.match(ScalableTargetARN, /^arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target\/[0-9a-f]{32}$/);
    const again = await ok<{ ScalableTargetARN: string }>("RegisterScalableTarget", { ...svc(), MaxCapacity: 5, SuspendedState: { ScheduledScalingSuspended: true } });
    assert.equal(again.ScalableTargetARN, ScalableTargetARN, "the same target");
    const [t] = (await ok<{ ScalableTargets: Record<string, unknown>[] }>("DescribeScalableTargets", { ServiceNamespace: "ecs" })).ScalableTargets;
    assert.deepEqual([t?.MinCapacity, t?.MaxCapacity, t?.SuspendedState], [1, 5, { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: true }]);
    assert.match(String(t?.RoleARN), /AWSServiceRoleForApplicationAutoScaling_ECSService$/);
  });

  it("a target-tracking policy creates AlarmHigh and AlarmLow on the service's CPUUtilization, named as AWS names them; deleting it deletes them", async () => {
    const out = await ok<{ PolicyARN: string; Alarms: { AlarmName: string }[] }>("PutScalingPolicy", cpu50);
    assert.match(out.PolicyARN, /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/default\/web:policyName\/cpu50$/);
    const names = out.Alarms.map((a) => a.AlarmName);
    assert.equal(names.length, 2);
    assert.match(names[0]!, /^TargetTracking-service\/default\/web-AlarmHigh-[0-9a-f-]{36}$/);
    assert.match(names[1]!, /^TargetTracking-service\/default\/web-AlarmLow-[0-9a-f-]{36}$/);
    const alarms = await ecs.store.read(async (tx) => Promise.all(names.map((n) => tx.alarms.get(n))));
    assert.deepEqual(alarms.map((a) => [a?.metric?.namespace, a?.metric?.metricName, a?.metric?.dimensions, a?.threshold, a?.comparison, a?.evaluationPeriods, a?.alarmActions]), [
      ["AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "default" }, { name: "ServiceName", value: "web" }], 50, "GreaterThanThreshold", 3, [out.PolicyARN]],
      ["AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "default" }, { name: "ServiceName", value: "web" }], 45, "LessThanThreshold", 15, [out.PolicyARN]],
    ]);
    // Putting it again keeps its ARN and alarms; with scale-in disabled AlarmLow goes.
    const again = await ok<{ PolicyARN: string; Alarms: { AlarmName: string }[] }>("PutScalingPolicy", { ...cpu50, TargetTrackingScalingPolicyConfiguration: { ...cpu50.TargetTrackingScalingPolicyConfiguration, DisableScaleIn: true } });
    assert.deepEqual([again.PolicyARN, again.Alarms.map((a) => a.AlarmName)], [out.PolicyARN, [names[0]]]);
    assert.equal(await ecs.store.read((tx) => tx.alarms.get(names[1]!)), undefined);
    const [p] = (await ok<{ ScalingPolicies: Record<string, unknown>[] }>("DescribeScalingPolicies", { ServiceNamespace: "ecs", PolicyNames: ["cpu50"] })).ScalingPolicies;
    assert.deepEqual(p?.TargetTrackingScalingPolicyConfiguration, { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" }, ScaleOutCooldown: 300, ScaleInCooldown: 0, DisableScaleIn: true });
    await ok("DeleteScalingPolicy", { ...svc(), PolicyName: "cpu50" });
    assert.equal(await ecs.store.read((tx) => tx.alarms.get(names[0]!)), undefined);
    const gone = await call("DeleteScalingPolicy", { ...svc(), PolicyName: "cpu50" });
    assert.equal(gone.body.__type, "ObjectNotFoundException");
  });

  it("ALBRequestCountPerTarget tracks the service's target group's RequestCountPerTarget (Sum) once the label names a target group of the service that its load balancer forwards to", async () => {
    const prefix = "arn:aws:elasticloadbalancing:us-east-1:123456789012:";
    const lbArn = `${prefix}loadbalancer/app/front/50dc6c495c0c9188`;
    const tgArn = `${prefix}targetgroup/api/73e2d6bc24d8a067`;
    const otherTg = `${prefix}targetgroup/other/1111111111111111`;
    await ecs.store.write(async (tx) => {
      await tx.loadBalancing.putLoadBalancer({ arn: lbArn, name: "front", type: "application", scheme: "internal", ipAddressType: "ipv4", createdAtMs: 0, attributes: defaultLoadBalancerAttributes });
      for (const arn of [tgArn, otherTg]) {
        await tx.loadBalancing.putTargetGroup({ arn, name: arn.split("/")[1]!, protocol: "HTTP", port: 80, targetType: "instance", vpcId: "vpc", createdAtMs: 0, healthCheck: defaultHealthCheck("HTTP"), attributes: defaultTargetGroupAttributes });
      }
      await tx.loadBalancing.putListener({ arn: `${prefix}listener/app/front/50dc6c495c0c9188/1`, loadBalancerArn: lbArn, port: 8080, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroups: [{ targetGroupArn: tgArn, weight: 1 }] }] });
    });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "api", containerDefinitions: [{ name: "app", image: "berth-test", memory: 64, portMappings: [{ containerPort: 80 }] }] }));
    await ecs.send("CreateService", { serviceName: "api", taskDefinition: "api", desiredCount: 1, loadBalancers: [{ targetGroupArn: tgArn, containerName: "app", containerPort: 80 }] });
    await ok("RegisterScalableTarget", { ...svc("service/default/api"), MinCapacity: 1, MaxCapacity: 10 });
    const policy = (ResourceLabel: string | undefined, type = "ALBRequestCountPerTarget") => ({
      ...svc("service/default/api"), PolicyName: "requests", PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 1000, PredefinedMetricSpecification: { PredefinedMetricType: type, ResourceLabel } },
    });
    const label = "app/front/50dc6c495c0c9188/targetgroup/api/73e2d6bc24d8a067";
    for (const [input, message] of [
      [policy(undefined), /ALBRequestCountPerTarget needs a ResourceLabel: app\/<load balancer name>\/<load balancer id>\/targetgroup\//],
      [policy("targetgroup/api/73e2d6bc24d8a067"), /ResourceLabel 'targetgroup\/api\/73e2d6bc24d8a067' is not valid/],
      [policy(label, "ECSServiceAverageCPUUtilization"), /ResourceLabel is only for predefined metric type ALBRequestCountPerTarget/],
      [policy("app/front/50dc6c495c0c9188/targetgroup/other/1111111111111111"), /names target group targetgroup\/other\/1111111111111111, which service api of cluster default does not register its tasks in/],
      [policy("app/back/50dc6c495c0c9188/targetgroup/api/73e2d6bc24d8a067"), /names load balancer app\/back\/50dc6c495c0c9188, which is not an application load balancer of this account and Region/],
    ] as const) {
      const a = await call("PutScalingPolicy", input);
      assert.deepEqual([a.body.__type, message.test(String(a.body.message))], ["ValidationException", true], JSON.stringify(a.body));
    }
    assert.deepEqual((await ok<{ ScalingPolicies: unknown[] }>("DescribeScalingPolicies", { ServiceNamespace: "ecs", ResourceId: "service/default/api" })).ScalingPolicies, []);
    const out = await ok<{ Alarms: { AlarmName: string }[] }>("PutScalingPolicy", policy(label));
    const alarms = await ecs.store.read(async (tx) => Promise.all(out.Alarms.map((a) => tx.alarms.get(a.AlarmName))));
    assert.deepEqual(alarms.map((a) => [a?.metric?.namespace, a?.metric?.metricName, a?.metric?.dimensions, a?.statistic, a?.threshold, a?.comparison]), [
      ["AWS/ApplicationELB", "RequestCountPerTarget", [{ name: "TargetGroup", value: "targetgroup/api/73e2d6bc24d8a067" }], "Sum", 1000, "GreaterThanThreshold"],
      ["AWS/ApplicationELB", "RequestCountPerTarget", [{ name: "TargetGroup", value: "targetgroup/api/73e2d6bc24d8a067" }], "Sum", 900, "LessThanThreshold"],
    ]);
    const [p] = (await ok<{ ScalingPolicies: Record<string, unknown>[] }>("DescribeScalingPolicies", { ServiceNamespace: "ecs", ResourceId: "service/default/api" })).ScalingPolicies;
    assert.deepEqual((p?.TargetTrackingScalingPolicyConfiguration as Record<string, unknown>).PredefinedMetricSpecification, { PredefinedMetricType: "ALBRequestCountPerTarget", ResourceLabel: label });
    await ok("DeregisterScalableTarget", svc("service/default/api"));
  });

  it("a customized metric given as metric math (backlog per task) is watched by alarms on the same queries, at the alarms' period", async () => {
    await ok("RegisterScalableTarget", { ...svc(), MinCapacity: 1, MaxCapacity: 10 });
    const metrics = [
      { Id: "m1", MetricStat: { Metric: { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Dimensions: [{ Name: "QueueName", Value: "jobs" }] }, Stat: "Sum" }, ReturnData: false },
      { Id: "m2", MetricStat: { Metric: { Namespace: "ECS/ContainerInsights", MetricName: "RunningTaskCount", Dimensions: [{ Name: "ServiceName", Value: "web" }] }, Stat: "Average" }, ReturnData: false },
      { Id: "e1", Expression: "m1 / m2", Label: "backlog per task", ReturnData: true },
    ];
    const policy = (Metrics: object[], more: object = {}) => ({
      ...svc(), PolicyName: "backlog", PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 100, CustomizedMetricSpecification: { Metrics, ...more } },
    });
    for (const [input, message] of [
      [policy(metrics, { Namespace: "AWS/SQS" }), /either Metrics \(metric math\) or one metric/],
      [policy(metrics.map((m) => ({ ...m, ReturnData: true }))), /Exactly one of the alarm's queries must have ReturnData true/],
      [policy([metrics[0]!, { Id: "e1", Expression: "m1 / m9", ReturnData: true }]), /\(Id e1\).*names 'm9'/],
      [policy([{ ...metrics[0]!, MetricStat: { ...metrics[0]!.MetricStat, Stat: "tm99" } }, metrics[2]!]), /needs Metric \(Namespace, MetricName\) and Stat \(SampleCount, Average, Sum, Minimum, Maximum or percentiles/],
    ] as const) {
      const a = await call("PutScalingPolicy", input);
      assert.deepEqual([a.body.__type, message.test(String(a.body.message))], ["ValidationException", true], JSON.stringify(a.body));
    }
    const out = await ok<{ Alarms: { AlarmName: string }[] }>("PutScalingPolicy", policy(metrics));
    const alarms = await ecs.store.read(async (tx) => Promise.all(out.Alarms.map((a) => tx.alarms.get(a.AlarmName))));
    assert.deepEqual(alarms.map((a) => [a?.metric, a?.periodSeconds, a?.threshold, a?.queries?.map((q) => [q.id, q.kind === "stat" ? q.periodMs : q.expression, q.returnData])]), [
      [undefined, 60, 100, [["m1", 60_000, false], ["m2", 60_000, false], ["e1", "m1 / m2", true]]],
      [undefined, 60, 90, [["m1", 60_000, false], ["m2", 60_000, false], ["e1", "m1 / m2", true]]],
    ]);
    const [p] = (await ok<{ ScalingPolicies: { TargetTrackingScalingPolicyConfiguration: { CustomizedMetricSpecification: unknown } }[] }>("DescribeScalingPolicies", { ServiceNamespace: "ecs", PolicyNames: ["backlog"] })).ScalingPolicies;
    assert.deepEqual(p?.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification, { Metrics: [{ ...metrics[0], Label: "ApproximateNumberOfMessagesVisible" }, { ...metrics[1], Label: "RunningTaskCount" }, metrics[2]] });
    await ok("DeleteScalingPolicy", { ...svc(), PolicyName: "backlog" });
  });

  const badSteps: [string, object, RegExp][] = [
    ["overlapping steps", steps([{ MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 }, { MetricIntervalLowerBound: 10, ScalingAdjustment: 2 }]), /cannot overlap or have a gap/],
    ["a gap", steps([{ MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 }, { MetricIntervalLowerBound: 20, ScalingAdjustment: 2 }]), /cannot overlap or have a gap/],
    ["no steps", steps([]), /at least one step adjustment/],
    ["a step policy without its configuration", { ...svc(), PolicyName: "x", PolicyType: "StepScaling" }, /StepScalingPolicyConfiguration is required/],
    ["a predefined metric ECS services do not have", { ...cpu50, TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: "DynamoDBReadCapacityUtilization" } } }, /Unsupported predefined metric type/],
    ["both metric kinds", { ...cpu50, TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" }, CustomizedMetricSpecification: { Namespace: "A", MetricName: "B", Statistic: "Average" } } }, /exactly one of/],
    ["predictive scaling", { ...svc(), PolicyName: "x", PolicyType: "PredictiveScaling" }, /PredictiveScaling: Berth has no forecasts/],
  ];
  for (const [what, input, message] of badSteps) {
    it(`refuses a policy with ${what}, saving nothing`, async () => {
      const a = await call("PutScalingPolicy", input);
      assert.deepEqual([a.status, a.body.__type], [400, "ValidationException"], JSON.stringify(a.body));
      assert.match(String(a.body.message), message);
      assert.deepEqual((await ok<{ ScalingPolicies: unknown[] }>("DescribeScalingPolicies", { ServiceNamespace: "ecs" })).ScalingPolicies, []);
    });
  }

  it("scheduled actions: at(), rate() and cron() in a time zone; a bad expression or zone is refused; deregistering the target removes its policies, actions and alarms", async () => {
    for (const [Schedule, message] of [["cron(0 10 * * *)", /Schedule 'cron\(0 10 \* \* \*\)' is not a valid expression/], ["rate(0 minutes)", /not a valid expression/]] as const) {
      const a = await call("PutScheduledAction", { ...svc(), ScheduledActionName: "bad", Schedule, ScalableTargetAction: { MinCapacity: 2 } });
      assert.deepEqual([a.body.__type, message.test(String(a.body.message))], ["ValidationException", true], JSON.stringify(a.body));
    }
    const zone = await call("PutScheduledAction", { ...svc(), ScheduledActionName: "bad", Schedule: "cron(0 10 * * ? *)", Timezone: "Mars/Olympus", ScalableTargetAction: { MinCapacity: 2 } });
    assert.match(String(zone.body.message), /not a time zone/);
    const slash = await call("PutScheduledAction", { ...svc(), ScheduledActionName: "a/b", Schedule: "rate(1 hour)", ScalableTargetAction: { MinCapacity: 2 } });
    assert.match(String(slash.body.message), /ScheduledActionName must be 1 to 256 printable characters without ':', '\/', '\|'/);
    await ok("PutScheduledAction", { ...svc(), ScheduledActionName: "morning", Schedule: "cron(0 8 ? * MON-FRI *)", Timezone: "Europe/Paris", ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 5 } });
    await ok("PutScheduledAction", { ...svc(), ScheduledActionName: "once", Schedule: "at(2030-01-01T00:00:00)", ScalableTargetAction: { MaxCapacity: 1 } });
    const listed = (await ok<{ ScheduledActions: Record<string, unknown>[] }>("DescribeScheduledActions", { ServiceNamespace: "ecs", ResourceId: "service/default/web" })).ScheduledActions;
    assert.deepEqual(listed.map((a) => [a.ScheduledActionName, a.Schedule, a.Timezone, a.ScalableTargetAction]), [
      ["morning", "cron(0 8 ? * MON-FRI *)", "Europe/Paris", { MinCapacity: 3, MaxCapacity: 5 }],
      ["once", "at(2030-01-01T00:00:00)", undefined, { MaxCapacity: 1 }],
    ]);
    assert.match(String(listed[0]?.ScheduledActionARN), /^arn:aws:autoscaling:us-east-1:123456789012:scheduledAction:[0-9a-f-]{36}:resource\/ecs\/service\/default\/web:scheduledActionName\/morning$/);
    const due = await ecs.store.read((tx) => tx.autoScaling.scheduledAction("service/default/web", dim, "once"));
    assert.equal(due?.nextDueMs, Date.UTC(2030, 0, 1));
    await ok("DeleteScheduledAction", { ...svc(), ScheduledActionName: "once" });

    const tt = await ok<{ Alarms: { AlarmName: string }[] }>("PutScalingPolicy", cpu50);
    await ok("DeregisterScalableTarget", svc());
    const left = await ecs.store.read(async (tx) => [(await tx.autoScaling.policies()).length, (await tx.autoScaling.scheduledActions()).length, (await tx.alarms.get(tt.Alarms[0]!.AlarmName)) === undefined]);
    assert.deepEqual(left, [0, 0, true]);
    const again = await call("DeregisterScalableTarget", svc());
    assert.equal(again.body.__type, "ObjectNotFoundException");
  });
});
