import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type ListTasksCommandInput,
  type ECSClient,
  type Service,
  type Task,
} from "@aws-sdk/client-ecs";

/** Helpers for service end-to-end tests: a service and its tasks as an observer sees them. */

export async function describeService(ecs: ECSClient, cluster: string, service: string): Promise<Service> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const s = out.services?.[0];
  if (!s) throw new Error(`service ${service} not found`);
  return s;
}

/** The service's tasks with the given desired status, described. */
export function serviceTasks(ecs: ECSClient, cluster: string, serviceName: string, desiredStatus: "RUNNING" | "STOPPED" = "RUNNING"): Promise<Task[]> {
  return listedTasks(ecs, { cluster, serviceName, desiredStatus });
}

/** Every task ListTasks names for `query` (all pages), described. */
export async function listedTasks(ecs: ECSClient, query: ListTasksCommandInput & { cluster: string }): Promise<Task[]> {
  const { cluster } = query;
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListTasksCommand({ ...query, nextToken }));
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const tasks: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) tasks.push(...((await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }))).tasks ?? []));
  return tasks;
}

/**
 * Counts as an outside observer sees them: RUNNING tasks meant to run, and every task not yet
 * STOPPED (those being stopped still hold their place under maximumPercent). The two listings are
 * not one snapshot: a task asked to stop between them shows in both, so tasks count once, by ARN,
 * as the later listing saw them.
 */
export async function observedCounts(ecs: ECSClient, cluster: string, service: string): Promise<{ running: number; alive: number }> {
  const byArn = new Map<string, Task>();
  for (const t of await serviceTasks(ecs, cluster, service, "RUNNING")) byArn.set(t.taskArn ?? "", t);
  for (const t of await serviceTasks(ecs, cluster, service, "STOPPED")) byArn.set(t.taskArn ?? "", t);
  const tasks = [...byArn.values()];
  return {
    running: tasks.filter((t) => t.lastStatus === "RUNNING" && t.desiredStatus === "RUNNING").length,
    alive: tasks.filter((t) => t.lastStatus !== "STOPPED").length,
  };
}

/** Samples `observedCounts` every `everyMs` until `stop()`; returns every sample. */
export function sampler(ecs: ECSClient, cluster: string, service: string, everyMs = 100) {
  const samples: { running: number; alive: number }[] = [];
  let done = false;
  const loop = (async () => {
    while (!done) {
      samples.push(await observedCounts(ecs, cluster, service));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    async stop() {
      done = true;
      await loop;
      return samples;
    },
  };
}
