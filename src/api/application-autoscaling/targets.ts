import type { DeregisterScalableTargetRequest, DescribeScalableTargetsRequest, RegisterScalableTargetRequest } from "@aws-sdk/client-application-auto-scaling";
import { DeregisterScalableTargetRequest$, DescribeScalableTargetsRequest$, RegisterScalableTargetRequest$ } from "../../aws-sdk/application-auto-scaling.js";
import type { ScalableTargetRecord } from "../../domain/autoscaling/records.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken } from "../pagination.js";
import { checkDimension, checkNamespace, checkResourceId, pageOf, registeredTarget, validation } from "./checks.js";
import type { ApplicationAutoScalingDeps } from "./deps.js";
import { targetView } from "./views.js";
import { deleteTrackingAlarms } from "./tracking-alarms.js";

/** The service-linked role Application Auto Scaling uses for ECS when none is given. */
const ecsServiceLinkedRole = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`;

function checkCapacity(member: string, n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 0 || n > 5000) throw validation(`${member} must be a whole number from 0 to 5000 (the ECS tasks per service quota); got ${n}.`);
  return n;
}

export function targetOperations({ store, newId }: ApplicationAutoScalingDeps): Record<string, Operation> {
  return {
    RegisterScalableTarget: operation<RegisterScalableTargetRequest>(RegisterScalableTargetRequest$, async (input, ctx) => {
      checkNamespace(input.ServiceNamespace);
      const { resourceId, cluster, service } = checkResourceId(input.ResourceId);
      const dimension = checkDimension(input.ScalableDimension);
      const min = checkCapacity("MinCapacity", input.MinCapacity);
      const max = checkCapacity("MaxCapacity", input.MaxCapacity);
      const target = await store.write(async (tx) => {
        const svc = await tx.services.get(cluster, service);
        if (!svc || svc.status !== "ACTIVE") throw validation(`ECS service doesn't exist: ${resourceId}`);
        const old = await tx.autoScaling.target(resourceId, dimension);
        if (!old && (min === undefined || max === undefined)) throw validation("MinCapacity and MaxCapacity are required to register a new scalable target.");
        const minCapacity = min ?? old!.minCapacity;
        const maxCapacity = max ?? old!.maxCapacity;
        if (minCapacity > maxCapacity) throw validation(`Minimum capacity (${minCapacity}) cannot be greater than maximum capacity (${maxCapacity}).`);
        const s = input.SuspendedState;
        const was = old?.suspended;
        const next: ScalableTargetRecord = {
          resourceId,
          dimension,
          arn: old?.arn ?? `arn:aws:application-autoscaling:${ctx.partition.region}:${ctx.partition.accountId}:scalable-target/${newId().slice(0, 32)}`,
          minCapacity,
          maxCapacity,
          roleArn: input.RoleARN ?? old?.roleArn ?? ecsServiceLinkedRole(ctx.partition.accountId),
          suspended: {
            dynamicScalingInSuspended: s?.DynamicScalingInSuspended ?? was?.dynamicScalingInSuspended ?? false,
            dynamicScalingOutSuspended: s?.DynamicScalingOutSuspended ?? was?.dynamicScalingOutSuspended ?? false,
            scheduledScalingSuspended: s?.ScheduledScalingSuspended ?? was?.scheduledScalingSuspended ?? false,
          },
          createdAtMs: old?.createdAtMs ?? ctx.nowMs,
          lastScaleOut: old?.lastScaleOut,
          lastScaleInAtMs: old?.lastScaleInAtMs,
        };
        await tx.autoScaling.putTarget(next);
        return next;
      });
      return { ScalableTargetARN: target.arn };
    }),

    DescribeScalableTargets: operation<DescribeScalableTargetsRequest>(DescribeScalableTargetsRequest$, async (input) => {
      checkNamespace(input.ServiceNamespace);
      if (input.ScalableDimension !== undefined) checkDimension(input.ScalableDimension);
      const ids = input.ResourceIds && new Set(input.ResourceIds);
      const all = (await store.read((tx) => tx.autoScaling.targets())).filter((t) => !ids || ids.has(t.resourceId));
      const { page, next } = pageOf(all, (t) => t.resourceId, input);
      return { ScalableTargets: page.map(targetView), NextToken: encodeToken(next) };
    }),

    DeregisterScalableTarget: operation<DeregisterScalableTargetRequest>(DeregisterScalableTargetRequest$, async (input) => {
      checkNamespace(input.ServiceNamespace);
      const { resourceId } = checkResourceId(input.ResourceId);
      const dimension = checkDimension(input.ScalableDimension);
      await store.write(async (tx) => {
        await registeredTarget(tx, resourceId, dimension);
        // Its policies go with it, and with them the alarms target tracking made.
        for (const p of await tx.autoScaling.policies(resourceId)) await deleteTrackingAlarms(tx, p);
        await tx.autoScaling.deleteTarget(resourceId, dimension);
      });
      return {};
    }),
  };
}
