import type { DescribeScalingActivitiesRequest } from "@aws-sdk/client-application-auto-scaling";
import { DescribeScalingActivitiesRequest$ } from "../../aws-sdk/application-auto-scaling.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken } from "../pagination.js";
import { checkDimension, checkNamespace, checkResourceId, pageOf } from "./checks.js";
import type { ApplicationAutoScalingDeps } from "./deps.js";
import { activityView } from "./views.js";

/** How many activities of a resource are kept (and so listed). */
export const activitiesKept = 1000;

export function activityOperations({ store }: ApplicationAutoScalingDeps): Record<string, Operation> {
  return {
    DescribeScalingActivities: operation<DescribeScalingActivitiesRequest>(DescribeScalingActivitiesRequest$, async (input) => {
      checkNamespace(input.ServiceNamespace);
      if (input.ScalableDimension !== undefined) checkDimension(input.ScalableDimension);
      if (input.ResourceId !== undefined) checkResourceId(input.ResourceId);
      const all = await store.read((tx) => tx.autoScaling.activities(input.ResourceId, activitiesKept));
      // Newest first: a page's key is the position in that order (a token may skip or repeat activities recorded since).
      const keyed = all.map((a, i) => ({ a, key: String(i).padStart(10, "0") }));
      const { page, next } = pageOf(keyed, (k) => k.key, input, 50);
      return { ScalingActivities: page.map((k) => activityView(k.a)), NextToken: encodeToken(next) };
    }),
  };
}
