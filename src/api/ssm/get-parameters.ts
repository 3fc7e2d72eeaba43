import type { GetParameterRequest, GetParametersByPathRequest, GetParametersRequest, Parameter } from "@aws-sdk/client-ssm";
import { GetParameterRequest$, GetParametersByPathRequest$, GetParametersRequest$ } from "../../aws-sdk/ssm.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { Partition } from "../../domain/arn.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { SsmDeps } from "./deps.js";
import { compileFilters } from "./filters.js";
import { lookUp, type Lookup } from "./lookup.js";
import { checkPath, parseRef } from "./names.js";
import { afterToken, maxResultsOf, nextToken } from "./paging.js";
import { scanPage } from "./scan.js";
import { ParameterValues } from "./values.js";

/** Names GetParameters and DeleteParameters take at once (the model's ParameterNameList). */
export const maxNamesPerCall = 10;

/** A list of 1 to 10 names (GetParameters, DeleteParameters), in the model's words. */
export function checkNames(names: readonly string[]): readonly string[] {
  if (names.length < 1) throw new AwsError("ValidationException", "1 validation error detected: Value '[]' at 'names' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (names.length > maxNamesPerCall) {
    throw new AwsError("ValidationException", `1 validation error detected: Value '[${excerpt(names.join(", "), 256)}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to ${maxNamesPerCall}`);
  }
  return names;
}

/** GetParameter, GetParameters and GetParametersByPath: a parameter's value by name, several by name, or a hierarchy's. */
export function getOperations({ store, box }: SsmDeps): Record<string, Operation> {
  const values = new ParameterValues(box);
  const answer = (p: Partition, l: Extract<Lookup, { found: unknown }>, decrypt: boolean): Parameter => values.parameter(p, l.found, decrypt, l.ref.selector);

  return {
    GetParameter: operation<GetParameterRequest>(GetParameterRequest$, async (input, ctx) => {
      const given = input.Name ?? "";
      const looked = await store.read((tx) => lookUp(tx, parseRef(given, ctx.partition)));
      if ("missing" in looked) {
        if (looked.missing === "parameter") throw new AwsError("ParameterNotFound", `Parameter ${excerpt(given, 256)} not found.`);
        const which = "version" in looked.selector ? `version ${looked.selector.text}` : `a version labelled ${excerpt(looked.selector.label, 100)}`;
        throw new AwsError("ParameterVersionNotFound", `Systems Manager could not find ${which} of ${excerpt(looked.name, 256)}. Verify the version and try again.`);
      }
      return { Parameter: answer(ctx.partition, looked, input.WithDecryption === true) };
    }),

    GetParameters: operation<GetParametersRequest>(GetParametersRequest$, async (input, ctx) => {
      const names = [...new Set(checkNames(input.Names ?? []))];
      const looked = await store.read((tx) => Promise.all(names.map((n) => lookUp(tx, parseRef(n, ctx.partition)))));
      const found: Parameter[] = [];
      const invalid: string[] = [];
      looked.forEach((l, i) => ("found" in l ? found.push(answer(ctx.partition, l, input.WithDecryption === true)) : invalid.push(names[i]!)));
      // Parameter Store lists what it found in alphabetical order, whatever the order asked in.
      found.sort((a, b) => (a.Name! < b.Name! ? -1 : a.Name! > b.Name! ? 1 : 0));
      return { Parameters: found, InvalidParameters: invalid };
    }),

    GetParametersByPath: operation<GetParametersByPathRequest>(GetParametersByPathRequest$, async (input, ctx) => {
      const path = checkPath(input.Path ?? "");
      const limit = maxResultsOf(input.MaxResults, 10);
      const selection = compileFilters(input.ParameterFilters ?? [], "GetParametersByPath");
      const scope = input.Recursive === true ? { prefix: path === "/" ? "" : `${path}/` } : { parent: path };
      const decrypt = input.WithDecryption === true;
      const page = await scanPage(store, scope, afterToken(input.NextToken), limit, async (tx, p) => {
        if (!selection.matches(p)) return undefined;
        if (!selection.labels) return values.parameter(ctx.partition, p, decrypt);
        // A Label filter: the version that carries one of the labels, named by it.
        for (const label of selection.labels) {
          const labelled = await tx.parameters.labelled(p.name, label);
          if (labelled) return values.parameter(ctx.partition, labelled, decrypt, { label, text: label });
        }
        return undefined;
      });
      return { Parameters: page.items, NextToken: nextToken(page.nextAfter) };
    }),
  };
}
