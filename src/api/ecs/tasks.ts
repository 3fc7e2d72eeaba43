import { createHash } from "node:crypto";
import type { DescribeTasksRequest, Failure, ListTasksRequest, RunTaskRequest, StartTaskRequest, StopTaskRequest, Task } from "@aws-sdk/client-ecs";
import { DescribeTasksRequest$, ListTasksRequest$, RunTaskRequest$, StartTaskRequest$, StopTaskRequest$ } from "../../aws-sdk/ecs.js";
import { arnId, clusterName } from "../../domain/arn.js";
import { runTaskCount, standaloneLaunch, type Launch } from "../../domain/launch.js";
import { checkKnownLaunchType } from "../../domain/launch-type.js";
import { deactivatesFirst } from "../../domain/load-balancing/deactivation.js";
import { activeCluster } from "../../domain/lookups.js";
import { requestStop, type TaskRecord } from "../../domain/task.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { InvalidPlacementRequest } from "../../scheduler/invalid-request.js";
import { QuerySyntaxError } from "../../scheduler/query/syntax-error.js";
import type { ReadTx, RunTaskRecord, WriteTx } from "../../state/store.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcsDeps } from "./deps.js";
import { instanceArnIn, taskArnIn } from "./refs.js";
import { toTask } from "./task-view.js";
import { checkOverrideRoles } from "./task-roles.js";
import { launchThroughCapacity } from "../../planner/capacity-launch.js";

export function taskOperations({ store, planner }: EcsDeps): Record<string, Operation> {
  const shaped = (tasks: readonly TaskRecord[], failures: readonly Failure[], ctx: RequestContext) => ({ tasks: tasks.map((t) => toTask(ctx.partition, t)), failures });

  const launching = async (tx: WriteTx, launch: Launch, count: number, ctx: RequestContext, onInstanceId?: string) => {
    try {
      // StartTask names its instances: no capacity provider strategy applies (ECS's StartTask takes none).
      return onInstanceId === undefined ? await launchThroughCapacity(planner, tx, launch, count, ctx) : await planner.launch(tx, launch, count, ctx, onInstanceId);
    } catch (e) {
      if (e instanceof InvalidPlacementRequest || e instanceof QuerySyntaxError) throw invalidParameter(e.message);
      throw e;
    }
  };

  return {
    RunTask: operation<RunTaskRequest>(RunTaskRequest$, async (input, ctx) => {
      const count = runTaskCount(input.count);
      const token = input.clientToken;
      if (token !== undefined && (token.length < 1 || token.length > 64)) throw invalidParameter("clientToken must be 1 to 64 characters.");
      const { tasks, failures } = await planner.retrying(() =>
        store.write(async (tx) => {
          // A retried request (the SDKs send a clientToken with every RunTask) gets what the first one did.
          const earlier = token === undefined ? undefined : await tx.tasks.findRun(clusterName(input.cluster), token);
          if (earlier) return replay(tx, earlier, requestHash(input));
          const launch = await standaloneLaunch(tx, input);
          await checkOverrideRoles(tx.iam, input.overrides, "RunTask", ctx);
          if ((await planner.viewFor(tx, launch)).size === 0) {
            throw invalidParameter(launch.fargate ? "No managed capacity is registered: start an agent with --capacity fargate (berth up does)." : "No Container Instances were found in your cluster.");
          }
          const launched = await launching(tx, launch, count, ctx);
          if (token !== undefined) {
            await tx.tasks.rememberRun({
              cluster: launch.cluster.name,
              token,
              requestHash: requestHash(input),
              taskArns: launched.tasks.map((t) => t.arn),
              failures: launched.failures,
              createdAtMs: ctx.nowMs,
            });
          }
          return launched;
        }),
      );
      return shaped(tasks, failures, ctx);
    }),

    StartTask: operation<StartTaskRequest>(StartTaskRequest$, async (input, ctx) => {
      const refs = input.containerInstances ?? [];
      if (refs.length < 1 || refs.length > 10) throw invalidParameter(`containerInstances must name 1 to 10 instances; got ${refs.length}.`);
      const { tasks, failures } = await planner.retrying(() =>
        store.write(async (tx) => {
          // StartTask is for custom schedulers: the caller's instances, resource checks but no strategies or constraints.
          const launch: Launch = { ...(await standaloneLaunch(tx, input)), constraints: [], strategies: [], capacity: { kind: "launch-type", launchType: "EC2" }, fargate: undefined };
          await checkOverrideRoles(tx.iam, input.overrides, "StartTask", ctx);
          const tasks: TaskRecord[] = [];
          const failures: Failure[] = [];
          for (const ref of refs) {
            const arn = instanceArnIn(ctx.partition, ref, launch.cluster.name);
            const placed = await launching(tx, launch, 1, ctx, arnId(arn));
            tasks.push(...placed.tasks);
            failures.push(...placed.failures.map((f) => (f.reason === "MISSING" ? { arn: ref, reason: "MISSING" } : f)));
          }
          return { tasks, failures };
        }),
      );
      return shaped(tasks, failures, ctx);
    }),

    StopTask: operation<StopTaskRequest>(StopTaskRequest$, async (input, ctx) => {
      const record = await store.write(async (tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        const arn = taskArnIn(ctx.partition, input.task ?? "", cluster.name);
        const task = await tx.tasks.get(arn);
        if (!task || task.cluster !== cluster.name) throw invalidParameter(`The referenced task was not found: ${excerpt(input.task)}.`);
        if (task.spec.desiredStatus === "STOPPED") return task;
        const reason = input.reason ?? "Task stopped by user";
        const requested = requestStop(task, { reason, code: "UserInitiated", nowMs: ctx.nowMs });
        // Behind a load balancer its targets drain before its containers are signalled (issue 11).
        const stopping: TaskRecord = (await deactivatesFirst(tx, task)) ? { ...requested, lastStatus: "DEACTIVATING" } : requested;
        await tx.tasks.put(stopping);
        return stopping;
      });
      return { task: toTask(ctx.partition, record) };
    }),

    DescribeTasks: operation<DescribeTasksRequest>(DescribeTasksRequest$, (input, ctx) =>
      store.read(async (tx) => {
        const refs = input.tasks ?? [];
        if (refs.length > 100) throw invalidParameter(`DescribeTasks takes at most 100 tasks; got ${refs.length}.`);
        const cluster = await activeCluster(tx, input.cluster);
        if (refs.length === 0) throw invalidParameter("Tasks cannot be empty.");
        const tasks: Task[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const record = await tx.tasks.get(taskArnIn(ctx.partition, ref, cluster.name));
          if (record && record.cluster === cluster.name) {
            const task = toTask(ctx.partition, record);
            if (!(input.include ?? []).includes("TAGS")) delete task.tags;
            tasks.push(task);
          } else failures.push({ arn: ref, reason: "MISSING" });
        }
        return { tasks, failures };
      }),
    ),

    ListTasks: operation<ListTasksRequest>(ListTasksRequest$, (input, ctx) =>
      store.read(async (tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        checkKnownLaunchType(input.launchType);
        const desiredStatus = input.desiredStatus ?? "RUNNING";
        if (!["RUNNING", "PENDING", "STOPPED"].includes(desiredStatus)) {
          throw invalidParameter(`desiredStatus must be RUNNING, PENDING or STOPPED; got '${excerpt(desiredStatus)}'.`);
        }
        // ECS accepts PENDING as a filter but no task ever has it as its desired status; likewise only EC2 and FARGATE tasks exist
        // here, and no ECS Managed Daemon's (Berth has none).
        const none = desiredStatus === "PENDING" || (input.launchType !== undefined && input.launchType !== "EC2" && input.launchType !== "FARGATE") || input.daemonName !== undefined;
        if (none) return { taskArns: [] };
        const page = await tx.tasks.list({
          ...pageRequest(input),
          cluster: cluster.name,
          containerInstanceArn: input.containerInstance && instanceArnIn(ctx.partition, input.containerInstance, cluster.name),
          family: input.family,
          startedBy: input.startedBy,
          serviceName: input.serviceName,
          desiredStatus: desiredStatus === "STOPPED" ? "STOPPED" : "RUNNING",
        });
        // The launch type filters within the page (a page may come back short, as ECS's may).
        const items = input.launchType === undefined ? page.items : page.items.filter((t) => t.launchType === input.launchType);
        return { taskArns: items.map((t) => t.arn), nextToken: encodeToken(page.nextAfter) };
      }),
    ),
  };
}

/** A digest of a RunTask request without its client token. */
function requestHash(input: RunTaskRequest): string {
  const { clientToken: _token, ...rest } = input;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

async function replay(tx: ReadTx, earlier: RunTaskRecord, hash: string): Promise<{ tasks: TaskRecord[]; failures: Failure[] }> {
  if (earlier.requestHash !== hash) {
    throw new AwsError(
      "ConflictException",
      "The RunTask request could not be processed due to conflicts. The provided clientToken is already in use with a different RunTask request.",
      { resourceIds: earlier.taskArns },
    );
  }
  const tasks = await Promise.all(earlier.taskArns.map((arn) => tx.tasks.get(arn)));
  return { tasks: tasks.filter((t): t is TaskRecord => t !== undefined), failures: [...earlier.failures] };
}
