import type { DescribeParametersRequest } from "@aws-sdk/client-ssm";
import { DescribeParametersRequest$ } from "../../aws-sdk/ssm.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { SsmDeps } from "./deps.js";
import { compileFilters, fromLegacyFilters } from "./filters.js";
import { afterToken, maxResultsOf, nextToken } from "./paging.js";
import { scanPage } from "./scan.js";
import { metadataOf } from "./values.js";

/** DescribeParameters: the parameters' metadata (never a value), filtered, in name order. */
export function describeOperation({ store }: SsmDeps): Record<string, Operation> {
  return {
    DescribeParameters: operation<DescribeParametersRequest>(DescribeParametersRequest$, async (input, ctx) => {
      if (input.Filters !== undefined && input.ParameterFilters !== undefined) throw new AwsError("ValidationException", "You can use either Filters or ParameterFilters in a single request.");
      if (input.Shared === true) return { Parameters: [] }; // Nothing is shared with an account here: there is no other account.
      const limit = maxResultsOf(input.MaxResults, 50);
      const selection = compileFilters(input.ParameterFilters ?? fromLegacyFilters(input.Filters ?? []), "DescribeParameters");
      // One Path narrows the read to its hierarchy; several are checked parameter by parameter.
      const { path } = selection;
      const scope = path === undefined ? {} : path.recursive ? { prefix: path.path === "/" ? "" : `${path.path}/` } : { parent: path.path };
      const page = await scanPage(store, scope, afterToken(input.NextToken), limit, (_, p) => (selection.matches(p) ? metadataOf(ctx.partition, p) : undefined));
      return { Parameters: page.items, NextToken: nextToken(page.nextAfter) };
    }),
  };
}
