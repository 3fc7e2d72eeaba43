import type { CloudWatchDeps } from "./deps.js";
import { dimensionsOf, metricView } from "./metric-params.js";
import { invalid, optString } from "./read.js";
import type { CloudWatchOperation } from "./operation.js";
import { decodeToken, encodeToken } from "./tokens.js";

const pageSize = 500;
const threeHoursMs = 3 * 3_600_000;
const twoWeeksMs = 14 * 24 * 3_600_000;

/** ListMetrics: metrics with data in the last two weeks (or three hours: `RecentlyActive=PT3H`), 500 a page. */
export function listMetrics(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "ListMetrics",
    async handle(p, ctx) {
      const recently = optString(p, "RecentlyActive");
      if (recently !== undefined && recently !== "PT3H") throw invalid("RecentlyActive", recently, "The only value is PT3H.");
      const page = await deps.store.read((tx) =>
        tx.metrics.list({
          namespace: optString(p, "Namespace", 255),
          metricName: optString(p, "MetricName", 255),
          dimensions: dimensionsOf(p, "Dimensions", false),
          sinceMs: ctx.nowMs - (recently ? threeHoursMs : twoWeeksMs),
          after: decodeToken(optString(p, "NextToken")),
          limit: pageSize,
        }),
      );
      return { Metrics: page.items.map((i) => metricView(i.metric)), NextToken: page.next === undefined ? undefined : encodeToken(page.next) };
    },
  };
}
