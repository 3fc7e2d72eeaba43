import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/**
 * Deployment alarms on a real server, agent and Docker: a CloudWatch alarm that goes to ALARM while
 * a rolling update is in progress fails it, and the service rolls back to the deployment that last
 * completed. The alarm goes to ALARM as CloudWatch would put it there: its metric crosses the
 * threshold (alarms evaluated every second here).
 */
describe("deployment alarms: an alarm in ALARM during a rolling update rolls it back", () => {
  let cluster: BerthCluster;
  let cw: CloudWatchClient;
  let first = "";
  let second = "";

  before(async () => {
    cluster = await BerthCluster.start({ name: "alarms", serverArgs: ["--task-healthy-after", "1s", "--alarm-interval", "1s"] });
    cw = new CloudWatchClient({ endpoint: cluster.server.endpoint, region: "us-east-1", credentials: cluster.server.accessKey, ...testSdkRetry });
    first = await cluster.register(aTaskDefinition("watched", [aContainer()]));
    second = await cluster.register(aTaskDefinition("watched", [aContainer({ environment: [{ name: "VERSION", value: "2" }] })]));
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: "web-errors",
        Namespace: "App",
        MetricName: "Errors",
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 50,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
      }),
    );
    await until("the alarm OK", async () => ((await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["web-errors"] }))).MetricAlarms?.[0]?.StateValue === "OK") || undefined, { timeoutMs: 10_000 });
  });

  after(async () => {
    cw.destroy();
    await cluster.stop();
  });

  const service = async (): Promise<Service> => (await cluster.ecs.send(new DescribeServicesCommand({ cluster: cluster.name, services: ["web"] }))).services![0]!;
  const completed = (taskDefinition: string) =>
    until(`a completed deployment of ${taskDefinition}`, async () => {
      const s = await service();
      const [d] = s.deployments ?? [];
      return s.deployments?.length === 1 && d?.rolloutState === "COMPLETED" && d.taskDefinition?.endsWith(`/${taskDefinition}`) === true && d.runningCount === 2 ? s : undefined;
    }, { timeoutMs: 60_000 });

  it("fails the deployment with the alarm's name, rolls back, and the service deployment says the alarms triggered", async () => {
    await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "web", taskDefinition: first, desiredCount: 2 }));
    await completed(first);

    const alarms = { alarmNames: ["web-errors"], enable: true, rollback: true };
    await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "web", taskDefinition: second, deploymentConfiguration: { alarms } }));
    assert.deepEqual((await service()).deploymentConfiguration?.alarms, alarms);
    // The application's errors climb: the metric crosses the threshold in each of the last minutes.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await cw.send(new PutMetricDataCommand({ Namespace: "App", MetricData: [0, 1, 2, 3].map((i) => ({ MetricName: "Errors", Value: 80, Timestamp: new Date(minute - i * 60_000 + 1000) })) }));

    const s = await completed(first);
    const messages = (s.events ?? []).map((e) => e.message ?? "");
    assert.ok(messages.some((m) => /\(deployment ecs-svc\/\d+\) deployment failed: alarm\(s\) in ALARM: \(alarm web-errors\)\.$/.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => /rolling back to deployment ecs-svc\/\d+\.$/.test(m)), messages.join("\n"));

    const listed = (await cluster.ecs.send(new ListServiceDeploymentsCommand({ cluster: cluster.name, service: "web" }))).serviceDeployments ?? [];
    const [rolledBack] = (await cluster.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [listed[0]!.serviceDeploymentArn!] }))).serviceDeployments ?? [];
    assert.equal(rolledBack?.status, "ROLLBACK_SUCCESSFUL");
    assert.equal(rolledBack?.rollback?.reason, "A deployment alarm went to ALARM: the service deployment failed.");
    assert.deepEqual(rolledBack?.alarms, { status: "TRIGGERED", alarmNames: ["web-errors"], triggeredAlarmNames: ["web-errors"] });
    assert.equal(rolledBack?.deploymentCircuitBreaker?.status, "DISABLED");
    assert.deepEqual(rolledBack?.deploymentConfiguration?.alarms, alarms);
  });
});
