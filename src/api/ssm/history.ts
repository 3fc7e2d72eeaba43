import type { GetParameterHistoryRequest } from "@aws-sdk/client-ssm";
import { GetParameterHistoryRequest$ } from "../../aws-sdk/ssm.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { SsmDeps } from "./deps.js";
import { parseRef } from "./names.js";
import { afterToken, maxResultsOf, nextToken } from "./paging.js";
import { ParameterValues } from "./values.js";

/** GetParameterHistory: every version kept, oldest first, with its labels. */
export function historyOperation({ store, box }: SsmDeps): Record<string, Operation> {
  const values = new ParameterValues(box);
  return {
    GetParameterHistory: operation<GetParameterHistoryRequest>(GetParameterHistoryRequest$, async (input, ctx) => {
      const given = input.Name ?? "";
      const limit = maxResultsOf(input.MaxResults, 50);
      const token = afterToken(input.NextToken);
      const after = token === undefined ? 0 : Number(token);
      if (token !== undefined && !/^\d{1,15}$/.test(token)) throw new AwsError("InvalidNextToken", "The specified token isn't valid: pass the NextToken of a previous response unchanged.");
      const ref = parseRef(given, ctx.partition);
      const page = await store.read(async (tx) => {
        for (const name of ref.selector ? [] : ref.candidates) {
          if (await tx.parameters.get(name)) return tx.parameters.history(name, after, limit + 1);
        }
        return undefined;
      });
      if (!page) throw new AwsError("ParameterNotFound", `Parameter ${excerpt(given, 256)} not found.`);
      const versions = page.slice(0, limit);
      return {
        Parameters: versions.map((v) => values.history(v, input.WithDecryption === true)),
        NextToken: page.length > limit ? nextToken(String(versions.at(-1)!.version)) : undefined,
      };
    }),
  };
}
