import type { DeleteScalingPolicyRequest, DescribeScalingPoliciesRequest, PutScalingPolicyRequest } from "@aws-sdk/client-application-auto-scaling";
import { DeleteScalingPolicyRequest$, DescribeScalingPoliciesRequest$, PutScalingPolicyRequest$ } from "../../aws-sdk/application-auto-scaling.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken } from "../pagination.js";
import { checkDimension, checkName, checkNamespace, checkResourceId, pageOf, registeredTarget, validation } from "./checks.js";
import type { ApplicationAutoScalingDeps } from "./deps.js";
import { policyView } from "./views.js";
import { deleteTrackingAlarms, putTrackingAlarms } from "./tracking-alarms.js";
import { stepConfig, trackingConfig, trackedMetric } from "./policy-config.js";
import { checkResourceLabel } from "./resource-label.js";
import type { ScalingPolicyRecord } from "../../domain/autoscaling/records.js";

/** Application Auto Scaling's quota of scaling policies per scalable target. */
const maxPoliciesPerTarget = 50;

export function policyOperations({ store, newId, trackingAlarms }: ApplicationAutoScalingDeps): Record<string, Operation> {
  return {
    PutScalingPolicy: operation<PutScalingPolicyRequest>(PutScalingPolicyRequest$, async (input, ctx) => {
      checkNamespace(input.ServiceNamespace);
      const name = checkName("PolicyName", input.PolicyName);
      const { resourceId, cluster, service } = checkResourceId(input.ResourceId);
      const dimension = checkDimension(input.ScalableDimension);
      const type = input.PolicyType ?? "StepScaling";
      if (type !== "StepScaling" && type !== "TargetTrackingScaling") {
        const named: string = type;
        throw validation(`Unsupported policy type ${named === "PredictiveScaling" ? "PredictiveScaling: Berth has no forecasts" : `'${excerpt(named)}'`}; use StepScaling or TargetTrackingScaling.`);
      }
      const step = type === "StepScaling" ? stepConfig(input.StepScalingPolicyConfiguration) : undefined;
      const targetTracking = type === "TargetTrackingScaling" ? trackingConfig(input.TargetTrackingScalingPolicyConfiguration) : undefined;
      if (type === "StepScaling" && input.TargetTrackingScalingPolicyConfiguration) throw validation("TargetTrackingScalingPolicyConfiguration is only for policy type TargetTrackingScaling.");
      if (type === "TargetTrackingScaling" && input.StepScalingPolicyConfiguration) throw validation("StepScalingPolicyConfiguration is only for policy type StepScaling.");
      const saved = await store.write(async (tx) => {
        await registeredTarget(tx, resourceId, dimension);
        const label = targetTracking?.predefined?.resourceLabel;
        if (label !== undefined) await checkResourceLabel(tx, cluster, service, label);
        const old = await tx.autoScaling.policy(resourceId, dimension, name);
        if (!old && (await tx.autoScaling.policies(resourceId)).length >= maxPoliciesPerTarget) {
          throw new AwsError("LimitExceededException", `A scalable target may have at most ${maxPoliciesPerTarget} scaling policies.`);
        }
        if (old && old.type !== type) throw validation(`Policy ${name} is a ${old.type} policy: delete it before putting a ${type} policy of that name.`);
        const arn = old?.arn ?? `arn:aws:autoscaling:${ctx.partition.region}:${ctx.partition.accountId}:scalingPolicy:${uuidOf(newId())}:resource/ecs/${resourceId}:policyName/${name}`;
        const base = { arn, name, resourceId, dimension, type, step, targetTracking, createdAtMs: old?.createdAtMs ?? ctx.nowMs } as const;
        const alarms = targetTracking
          ? await putTrackingAlarms(tx, base, old, trackedMetric(targetTracking, cluster, service), { shape: trackingAlarms, partition: ctx.partition, nowMs: ctx.nowMs, newId })
          : (old?.alarms ?? []);
        const policy: ScalingPolicyRecord = { ...base, alarms };
        await tx.autoScaling.putPolicy(policy);
        return policy;
      });
      return { PolicyARN: saved.arn, Alarms: saved.type === "TargetTrackingScaling" ? saved.alarms.map((a) => ({ AlarmName: a.name, AlarmARN: a.arn })) : undefined };
    }),

    DescribeScalingPolicies: operation<DescribeScalingPoliciesRequest>(DescribeScalingPoliciesRequest$, async (input) => {
      checkNamespace(input.ServiceNamespace);
      if (input.ScalableDimension !== undefined) checkDimension(input.ScalableDimension);
      if (input.ResourceId !== undefined) checkResourceId(input.ResourceId);
      const names = input.PolicyNames && new Set(input.PolicyNames);
      const all = (await store.read((tx) => tx.autoScaling.policies(input.ResourceId))).filter((p) => !names || names.has(p.name));
      const { page, next } = pageOf(all, (p) => `${p.resourceId}\n${p.name}`, input, 50);
      return { ScalingPolicies: page.map(policyView), NextToken: encodeToken(next) };
    }),

    DeleteScalingPolicy: operation<DeleteScalingPolicyRequest>(DeleteScalingPolicyRequest$, async (input) => {
      checkNamespace(input.ServiceNamespace);
      const name = checkName("PolicyName", input.PolicyName);
      const { resourceId } = checkResourceId(input.ResourceId);
      const dimension = checkDimension(input.ScalableDimension);
      await store.write(async (tx) => {
        const policy = await tx.autoScaling.policy(resourceId, dimension, name);
        if (!policy) throw new AwsError("ObjectNotFoundException", `No scaling policy found for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${dimension}, policy name: ${name}`);
        await deleteTrackingAlarms(tx, policy);
        await tx.autoScaling.deletePolicy(resourceId, dimension, name);
      });
      return {};
    }),
  };
}

const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
