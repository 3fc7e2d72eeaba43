import type { DeleteTaskDefinitionsRequest, DeregisterTaskDefinitionRequest, DescribeTaskDefinitionRequest, Failure, ListTaskDefinitionFamiliesRequest, ListTaskDefinitionsRequest, RegisterTaskDefinitionRequest, TaskDefinition } from "@aws-sdk/client-ecs";
import { DeleteTaskDefinitionsRequest$, DeregisterTaskDefinitionRequest$, DescribeTaskDefinitionRequest$, ListTaskDefinitionFamiliesRequest$, ListTaskDefinitionsRequest$, RegisterTaskDefinitionRequest$ } from "../../aws-sdk/ecs.js";
import { parseTaskDefinitionRef, taskDefinitionArn } from "../../domain/arn.js";
import { validateTags } from "../../domain/tags.js";
import { normalizeTaskDefinition } from "../../domain/task-definition/normalize.js";
import { clientException, invalidParameter } from "../../errors/catalog.js";
import type { ReadTx, TaskDefinitionRecord } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcsDeps } from "./deps.js";
import { findTaskDefinition } from "../../domain/lookups.js";
import { expressionProblem } from "../../domain/placement-shapes.js";
import { excerpt } from "../../observability/excerpt.js";
import { checkTaskRoles, roleArnOf } from "./task-roles.js";

export function taskDefinitionOperations({ store }: EcsDeps): Record<string, Operation> {
  return {
    RegisterTaskDefinition: operation<RegisterTaskDefinitionRequest>(RegisterTaskDefinitionRequest$, async (input, ctx) => {
      const normalized = normalizeTaskDefinition(input, { validateExpression: expressionProblem });
      const tags = validateTags(input.tags ?? []);
      const family = input.family ?? "";
      // A role may be named by its name alone: stored, shown and used as its ARN.
      const roles = { taskRoleArn: roleArnOf(normalized.taskRoleArn, ctx.partition), executionRoleArn: roleArnOf(normalized.executionRoleArn, ctx.partition) };
      const record = await store.write(async (tx) => {
        await checkTaskRoles(tx.iam, roles, ctx);
        const revision = await tx.taskDefinitions.allocateRevision(family);
        const created: TaskDefinitionRecord = {
          family,
          revision,
          status: "ACTIVE",
          body: {
            taskDefinitionArn: taskDefinitionArn(ctx.partition, family, revision),
            ...normalized,
            ...(roles.taskRoleArn !== undefined && { taskRoleArn: roles.taskRoleArn }),
            ...(roles.executionRoleArn !== undefined && { executionRoleArn: roles.executionRoleArn }),
            revision,
            registeredBy: ctx.principal.arn,
          },
          registeredAtMs: ctx.nowMs,
        };
        await tx.taskDefinitions.put(created);
        await tx.tags.put(created.body.taskDefinitionArn!, tags);
        return created;
      });
      return { taskDefinition: toTaskDefinition(record), tags };
    }),

    DescribeTaskDefinition: operation<DescribeTaskDefinitionRequest>(DescribeTaskDefinitionRequest$, (input) =>
      store.read(async (tx) => {
        const record = await findTaskDefinition(tx, input.taskDefinition ?? "");
        if (!record) throw clientException("Unable to describe task definition.");
        const includeTags = (input.include ?? []).includes("TAGS");
        return {
          taskDefinition: toTaskDefinition(record),
          tags: includeTags ? await tx.tags.list(record.body.taskDefinitionArn!) : undefined,
        };
      }),
    ),

    ListTaskDefinitions: operation<ListTaskDefinitionsRequest>(ListTaskDefinitionsRequest$, async (input) => {
      const status = oneOf("status", input.status ?? "ACTIVE", ["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"] as const);
      const sort = oneOf("sort", input.sort ?? "ASC", ["ASC", "DESC"] as const);
      const page = await store.read((tx) =>
        // ListTaskDefinitions' familyPrefix is "the full family name" (API reference), unlike ListTaskDefinitionFamilies'.
        tx.taskDefinitions.list({ ...pageRequest(input), family: input.familyPrefix, status, descending: sort === "DESC" }),
      );
      return { taskDefinitionArns: page.items.map((t) => t.body.taskDefinitionArn!), nextToken: encodeToken(page.nextAfter) };
    }),

    ListTaskDefinitionFamilies: operation<ListTaskDefinitionFamiliesRequest>(ListTaskDefinitionFamiliesRequest$, async (input) => {
      const status = oneOf("status", input.status ?? "ALL", ["ACTIVE", "INACTIVE", "ALL"] as const);
      const page = await store.read((tx) =>
        tx.taskDefinitions.families({
          ...pageRequest(input),
          familyPrefix: input.familyPrefix,
          status: status === "ALL" ? undefined : status,
        }),
      );
      return { families: page.items, nextToken: encodeToken(page.nextAfter) };
    }),

    DeregisterTaskDefinition: operation<DeregisterTaskDefinitionRequest>(DeregisterTaskDefinitionRequest$, async (input, ctx) => {
      const ref = input.taskDefinition ?? "";
      const record = await store.write(async (tx) => {
        const current = await findRevision(tx, ref);
        if (current.status === "DELETE_IN_PROGRESS") throw clientException(`The task definition ${excerpt(ref, 255)} is being deleted.`);
        if (current.status === "INACTIVE") return current;
        const inactive: TaskDefinitionRecord = { ...current, status: "INACTIVE", deregisteredAtMs: ctx.nowMs };
        await tx.taskDefinitions.put(inactive);
        return inactive;
      });
      return { taskDefinition: toTaskDefinition(record) };
    }),

    DeleteTaskDefinitions: operation<DeleteTaskDefinitionsRequest>(DeleteTaskDefinitionsRequest$, async (input, ctx) => {
      const refs = input.taskDefinitions ?? [];
      if (refs.length < 1 || refs.length > 10) throw invalidParameter(`taskDefinitions must name 1 to 10 revisions; got ${refs.length}.`);
      return store.write(async (tx) => {
        const taskDefinitions: TaskDefinition[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const parsed = parseTaskDefinitionRef(ref);
          const current = parsed?.revision === undefined ? undefined : await tx.taskDefinitions.get(parsed.family, parsed.revision);
          if (parsed?.revision === undefined) {
            failures.push({ arn: ref, reason: deleteFailures.invalidIdentifier });
          } else if (!current) {
            failures.push({ arn: ref, reason: deleteFailures.missing });
          } else if (current.status === "ACTIVE") {
            failures.push({ arn: ref, reason: deleteFailures.active });
          } else {
            const deleting: TaskDefinitionRecord =
              current.status === "DELETE_IN_PROGRESS" ? current : { ...current, status: "DELETE_IN_PROGRESS", deleteRequestedAtMs: ctx.nowMs };
            await tx.taskDefinitions.put(deleting);
            taskDefinitions.push(toTaskDefinition(deleting));
          }
        }
        return { taskDefinitions, failures };
      });
    }),
  };
}

/** ECS's sentences for the revisions DeleteTaskDefinitions does not delete. */
const deleteFailures = {
  invalidIdentifier: "The specified task definition identifier is invalid. Specify a valid name or ARN and try again.",
  missing: "The specified task definition does not exist. Specify a valid account, family, revision and try again.",
  active: "The specified task definition is still in ACTIVE status. Please deregister the target and try again.",
};

/** Resolves `family` (newest ACTIVE revision), `family:revision` or an ARN. */
/** A revision named explicitly, as DeregisterTaskDefinition requires. */
async function findRevision(tx: ReadTx, ref: string): Promise<TaskDefinitionRecord> {
  const parsed = parseTaskDefinitionRef(ref);
  if (parsed?.revision === undefined) {
    throw clientException(`Name the revision to deregister as family:revision or by ARN; got '${excerpt(ref, 255)}'.`);
  }
  const record = await tx.taskDefinitions.get(parsed.family, parsed.revision);
  if (!record) throw clientException("The specified task definition does not exist.");
  return record;
}

export function toTaskDefinition(r: TaskDefinitionRecord): TaskDefinition {
  return {
    ...r.body,
    status: r.status,
    registeredAt: new Date(r.registeredAtMs),
    deregisteredAt: r.deregisteredAtMs === undefined ? undefined : new Date(r.deregisteredAtMs),
    deleteRequestedAt: r.deleteRequestedAtMs === undefined ? undefined : new Date(r.deleteRequestedAtMs),
  };
}

function oneOf<const T extends string>(member: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw invalidParameter(`${member} must be one of ${allowed.join(", ")}; got '${excerpt(value)}'.`);
  return found;
}
