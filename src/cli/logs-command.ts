import { CloudWatchLogsClient, GetLogEventsCommand } from "../aws-sdk/cloudwatch-logs.js";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand } from "../aws-sdk/ecs.js";
import { Command } from "commander";
import { defaultEndpoint, ecsClientFor, withClientOptions } from "./client/ecs-client.js";
import { awslogsStreamOf, formatTaskLogs, type ContainerLines } from "./client/task-logs.js";

/** `berth logs TASK`: a task's last lines per container (awslogs), next to its stoppedReason and exit codes. */
export function logsCommand(): Command {
  const cmd = new Command("logs")
    .description("show a task's last log lines (awslogs containers) with why it stopped and its exit codes")
    .argument("<task>", "task id or ARN")
    .option("--lines <n>", "lines per container", "20");
  return withClientOptions(cmd).action(async (taskRef: string, flags: Record<string, string | undefined>) => {
    const count = Number(flags.lines ?? "20");
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new Error("--lines must be a whole number from 1 to 10000");
    const ecs = ecsClientFor(flags, process.env);
    const logs = new CloudWatchLogsClient({
      endpoint: flags.endpointUrl ?? process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS ?? process.env.AWS_ENDPOINT_URL ?? defaultEndpoint,
      region: flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
      ...(flags.profile === undefined ? {} : { profile: flags.profile }),
    });
    try {
      const described = await ecs.send(new DescribeTasksCommand({ cluster: flags.cluster, tasks: [taskRef] }));
      const task = described.tasks?.[0];
      if (task === undefined) throw new Error(`no task ${taskRef} in cluster ${flags.cluster ?? "default"}${described.failures?.[0]?.reason ? ` (${described.failures[0].reason})` : ""}`);
      const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: task.taskDefinitionArn }))).taskDefinition;
      const containers: ContainerLines[] = [];
      for (const def of td?.containerDefinitions ?? []) {
        const where = awslogsStreamOf(def, task);
        if (where === undefined) {
          containers.push({ name: def.name ?? "" });
          continue;
        }
        const events = await logs
          .send(new GetLogEventsCommand({ logGroupName: where.group, logStreamName: where.stream, limit: count }))
          .then((r) => r.events ?? [])
          .catch((e: unknown) => {
            if (e instanceof Error && e.name === "ResourceNotFoundException") return [];
            throw e;
          });
        containers.push({ name: def.name ?? "", lines: events.map((e) => e.message ?? ""), where: `${where.group} ${where.stream}` });
      }
      process.stdout.write(formatTaskLogs(task, containers));
    } finally {
      logs.destroy();
      ecs.destroy();
    }
  });
}
