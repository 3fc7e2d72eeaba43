import type { DeleteParameterRequest, DeleteParametersRequest } from "@aws-sdk/client-ssm";
import { DeleteParameterRequest$, DeleteParametersRequest$ } from "../../aws-sdk/ssm.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { WriteTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { SsmDeps } from "./deps.js";
import { checkNames } from "./get-parameters.js";
import { parseRef } from "./names.js";
import type { Partition } from "../../domain/arn.js";

/** DeleteParameter and DeleteParameters: a parameter goes with every version, its labels and tags. */
export function deleteOperations({ store }: SsmDeps): Record<string, Operation> {
  /** Deletes the parameter a name (or ARN) names; false when there is none. A selector names no parameter. */
  const deleteNamed = async (tx: WriteTx, given: string, p: Partition): Promise<boolean> => {
    const ref = parseRef(given, p);
    if (ref.selector) return false;
    for (const name of ref.candidates) if (await tx.parameters.delete(name)) return true;
    return false;
  };

  return {
    DeleteParameter: operation<DeleteParameterRequest>(DeleteParameterRequest$, async (input, ctx) => {
      const given = input.Name ?? "";
      if (!(await store.write((tx) => deleteNamed(tx, given, ctx.partition)))) throw new AwsError("ParameterNotFound", `Parameter ${excerpt(given, 256)} not found.`);
      return {};
    }),

    DeleteParameters: operation<DeleteParametersRequest>(DeleteParametersRequest$, async (input, ctx) => {
      const names = [...new Set(checkNames(input.Names ?? []))];
      const deleted = await store.write(async (tx) => {
        const outcomes: boolean[] = [];
        for (const n of names) outcomes.push(await deleteNamed(tx, n, ctx.partition));
        return outcomes;
      });
      return { DeletedParameters: names.filter((_, i) => deleted[i]), InvalidParameters: names.filter((_, i) => !deleted[i]) };
    }),
  };
}
