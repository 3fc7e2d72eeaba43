import { checkPlatformVersion } from "../../domain/platform-version.js";
import { checkCapacityProviderStrategy } from "../../domain/service-limits.js";
import { createHash } from "node:crypto";
import {
  DescribeTasksRequest$,
  ListTasksRequest$,
  RunTaskRequest$,
  StartTaskRequest$,
  StopTaskRequest$,
  type CapacityProviderStrategyItem,
  type DescribeTasksRequest,
  type Failure,
  type ListTasksRequest,
  type RunTaskRequest,
  type StartTaskRequest,
  type StopTaskRequest,
  type Tag,
  type Task,
  type TaskOverride,
  type PlacementConstraint as EcsConstraint,
  type PlacementStrategy as EcsStrategy,
} from "@aws-sdk/client-ecs";
import { clusterName, arnId } from "../../domain/arn.js";
import { validateTags } from "../../domain/tags.js";
import { requestStop, type TaskRecord } from "../../domain/task.js";
import { normalizeOverrides } from "../../domain/task-overrides.js";
import { AwsError, clientException, invalidParameter } from "../../errors/catalog.js";
import { launchTasks, type Launch } from "../../placement/launch.js";
import { InvalidPlacementRequest } from "../../scheduler/invalid-request.js";
import { QuerySyntaxError } from "../../scheduler/query/syntax-error.js";
import type { ReadTx, RunTaskRecord, WriteTx } from "../../state/store.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import { activeCluster } from "./clusters.js";
import type { EcsDeps } from "./deps.js";
import { constraintsFrom, strategiesFrom } from "./placement.js";
import { instanceArnIn, taskArnIn } from "./refs.js";
import { findTaskDefinition } from "./task-definitions.js";
import { toTask } from "./task-view.js";
import { excerpt } from "../../observability/excerpt.js";

export function taskOperations({ store, changes, random, placement }: EcsDeps): Record<string, Operation> {
  /** A write that places tasks; if it fails for any reason but the client's input, the index may be ahead of the store. */
  const placing = <T>(cluster: string | undefined, fn: (tx: WriteTx) => Promise<T>): Promise<T> =>
    store.write(fn).catch((e: unknown) => {
      if (!(e instanceof AwsError)) placement.invalidate(clusterName(cluster));
      throw e;
    });

  const commit = (tasks: readonly TaskRecord[], failures: readonly Failure[], ctx: RequestContext) => {
    tasks.forEach((record) => changes.publish({ kind: "task", record }));
    return { tasks: tasks.map((t) => toTask(ctx.partition, t)), failures };
  };

  const launching = async (tx: WriteTx, launch: Launch, count: number, ctx: RequestContext, onInstanceId?: string) => {
    try {
      return await launchTasks(tx, { placement, random, partition: ctx.partition, nowMs: ctx.nowMs }, launch, count, onInstanceId);
    } catch (e) {
      if (e instanceof InvalidPlacementRequest || e instanceof QuerySyntaxError) throw invalidParameter(e.message);
      throw e;
    }
  };

  return {
    RunTask: operation<RunTaskRequest>(RunTaskRequest$, async (input, ctx) => {
      const count = input.count ?? 1;
      if (!Number.isInteger(count) || count < 1 || count > 10) throw invalidParameter(`count must be from 1 to 10; got ${count}.`);
      if (input.launchType && input.launchType !== "EC2") {
        throw invalidParameter(`launchType ${excerpt(input.launchType)} is not available yet: use EC2 (the default).`);
      }
      const token = input.clientToken;
      if (token !== undefined && (token.length < 1 || token.length > 64)) throw invalidParameter("clientToken must be 1 to 64 characters.");
      const { tasks, failures } = await placing(input.cluster, async (tx) => {
        // A retried request (the SDKs send a clientToken with every RunTask) gets what the first one did.
        const earlier = token === undefined ? undefined : await tx.tasks.findRun(clusterName(input.cluster), token);
        if (earlier) return replay(tx, earlier, requestHash(input));
        const launch = await prepareLaunch(tx, input);
        const state = await placement.state(tx, launch.cluster.name);
        if (state.size === 0) throw invalidParameter("No Container Instances were found in your cluster.");
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
      });
      return commit(tasks, failures, ctx);
    }),

    StartTask: operation<StartTaskRequest>(StartTaskRequest$, async (input, ctx) => {
      const refs = input.containerInstances ?? [];
      if (refs.length < 1 || refs.length > 10) throw invalidParameter(`containerInstances must name 1 to 10 instances; got ${refs.length}.`);
      const { tasks, failures } = await placing(input.cluster, async (tx) => {
        // StartTask is for custom schedulers: the caller's instances, resource checks but no strategies or constraints.
        const launch = { ...(await prepareLaunch(tx, input)), constraints: [], strategies: [] };
        const tasks: TaskRecord[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const arn = instanceArnIn(ctx.partition, ref, launch.cluster.name);
          const placed = await launching(tx, launch, 1, ctx, arnId(arn));
          tasks.push(...placed.tasks);
          failures.push(...placed.failures.map((f) => (f.reason === "MISSING" ? { arn: ref, reason: "MISSING" } : f)));
        }
        return { tasks, failures };
      });
      return commit(tasks, failures, ctx);
    }),

    StopTask: operation<StopTaskRequest>(StopTaskRequest$, async (input, ctx) => {
      const record = await store.write(async (tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        const arn = taskArnIn(ctx.partition, input.task ?? "", cluster.name);
        const task = await tx.tasks.get(arn);
        if (!task || task.cluster !== cluster.name) throw invalidParameter(`The referenced task was not found: ${excerpt(input.task)}.`);
        if (task.spec.desiredStatus === "STOPPED") return task;
        const reason = input.reason ?? "Task stopped by user";
        const stopping = requestStop(task, { reason, code: "UserInitiated", nowMs: ctx.nowMs });
        await tx.tasks.put(stopping);
        return stopping;
      });
      changes.publish({ kind: "task", record });
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
        const desiredStatus = input.desiredStatus ?? "RUNNING";
        if (!["RUNNING", "PENDING", "STOPPED"].includes(desiredStatus)) {
          throw invalidParameter(`desiredStatus must be RUNNING, PENDING or STOPPED; got '${excerpt(desiredStatus)}'.`);
        }
        // ECS accepts PENDING as a filter but no task ever has it as its desired status; likewise only EC2 tasks exist here.
        if (desiredStatus === "PENDING" || (input.launchType !== undefined && input.launchType !== "EC2")) return { taskArns: [] };
        const page = await tx.tasks.list({
          ...pageRequest(input),
          cluster: cluster.name,
          containerInstanceArn: input.containerInstance && instanceArnIn(ctx.partition, input.containerInstance, cluster.name),
          family: input.family,
          startedBy: input.startedBy,
          serviceName: input.serviceName,
          desiredStatus: desiredStatus === "STOPPED" ? "STOPPED" : "RUNNING",
        });
        return { taskArns: page.items.map((t) => t.arn), nextToken: encodeToken(page.nextAfter) };
      }),
    ),
  };
}

const maxReferenceId = 1024;

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

async function prepareLaunch(
  tx: ReadTx,
  input: {
    cluster?: string | undefined;
    taskDefinition?: string | undefined;
    overrides?: TaskOverride | undefined;
    group?: string | undefined;
    startedBy?: string | undefined;
    tags?: Tag[] | undefined;
    placementConstraints?: EcsConstraint[] | undefined;
    placementStrategy?: EcsStrategy[] | undefined;
    propagateTags?: string | undefined;
    enableECSManagedTags?: boolean | undefined;
    referenceId?: string | undefined;
    platformVersion?: string | undefined;
    capacityProviderStrategy?: CapacityProviderStrategyItem[] | undefined;
  },
): Promise<Launch> {
  checkPlatformVersion(input.platformVersion);
  checkCapacityProviderStrategy(input.capacityProviderStrategy ?? []);
  // ECS documents no bound for referenceId ("only used by Amazon ECS"); EventBridge, which passes it
  // to RunTask, caps its ReferenceId at 1024 characters, so that is the most ECS can be sent.
  if (input.referenceId !== undefined && input.referenceId.length > maxReferenceId) {
    throw invalidParameter(`referenceId can be at most ${maxReferenceId} characters; got ${input.referenceId.length}.`);
  }
  const cluster = await activeCluster(tx, input.cluster);
  const taskDefinition = await findTaskDefinition(tx, input.taskDefinition ?? "");
  if (!taskDefinition) throw clientException(`Unable to find task definition '${excerpt(input.taskDefinition, 255)}'.`);
  if (taskDefinition.status !== "ACTIVE") {
    throw clientException(`TaskDefinition ${taskDefinition.family}:${taskDefinition.revision} is ${taskDefinition.status}: register a new revision or run an ACTIVE one.`);
  }
  const names = (taskDefinition.body.containerDefinitions ?? []).map((c) => c.name ?? "");
  const overrides = normalizeOverrides(input.overrides, names);
  if (input.startedBy !== undefined && !/^[A-Za-z0-9_/-]{1,128}$/.test(input.startedBy)) {
    throw invalidParameter("startedBy may hold up to 128 letters, numbers, hyphens, underscores and slashes.");
  }
  const group = input.group ?? `family:${taskDefinition.family}`;
  if (group.length > 255) throw invalidParameter("group must be at most 255 characters.");
  const requested = validateTags(input.tags);
  if (input.propagateTags !== undefined && input.propagateTags !== "TASK_DEFINITION" && input.propagateTags !== "NONE") {
    throw invalidParameter(`propagateTags must be TASK_DEFINITION or NONE for a task that no service starts; got '${excerpt(input.propagateTags)}'.`);
  }
  // Propagated tags first, so that the request's own tags win on a shared key; ECS's managed tag last.
  const fromDefinition = input.propagateTags === "TASK_DEFINITION" ? await tx.tags.list(taskDefinition.body.taskDefinitionArn ?? "") : [];
  const managed = input.enableECSManagedTags ? [{ key: "aws:ecs:clusterName", value: cluster.name }] : [];
  const tags = [...new Map([...fromDefinition, ...requested, ...managed].map((t) => [t.key, t])).values()];
  return {
    cluster,
    taskDefinition,
    overrides,
    group,
    startedBy: input.startedBy,
    tags,
    constraints: constraintsFrom(taskDefinition.body.placementConstraints ?? [], input.placementConstraints ?? []),
    strategies: strategiesFrom(input.placementStrategy ?? []),
  };
}
