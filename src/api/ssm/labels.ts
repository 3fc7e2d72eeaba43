import type { LabelParameterVersionRequest, UnlabelParameterVersionRequest } from "@aws-sdk/client-ssm";
import { LabelParameterVersionRequest$, UnlabelParameterVersionRequest$ } from "../../aws-sdk/ssm.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ParameterVersionRecord } from "../../state/parameter-records.js";
import type { WriteTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { SsmDeps } from "./deps.js";

/** Labels one version may carry at most. */
export const maxLabelsPerVersion = 10;

/**
 * Whether Parameter Store takes a label: up to 100 letters, digits and `._-`, not beginning with a
 * digit (that would read as a version in `name:selector`), `aws` or `ssm`. Labels it does not take
 * are answered back as InvalidLabels, not refused.
 */
export function isValidLabel(label: string): boolean {
  return /^[a-zA-Z0-9_.-]{1,100}$/.test(label) && !/^[0-9]/.test(label) && !/^(aws|ssm)/i.test(label);
}

function checkLabelList(labels: readonly string[]): readonly string[] {
  if (labels.length < 1 || labels.length > 10) {
    throw new AwsError("ValidationException", `1 validation error detected: Value at 'labels' failed to satisfy constraint: Member must have length between 1 and 10`);
  }
  const long = labels.find((l) => l.length > 100);
  if (long !== undefined) throw new AwsError("ValidationException", `1 validation error detected: Value '[${excerpt(long, 120)}]' at 'labels' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 100, Member must have length greater than or equal to 1]`);
  return labels;
}

/** LabelParameterVersion and UnlabelParameterVersion: labels name versions (`name:label`), one version per label of a parameter. */
export function labelOperations({ store }: SsmDeps): Record<string, Operation> {
  /** The version a call names (the newest when none is given), read inside the write. */
  const target = async (tx: WriteTx, name: string, version: number | undefined): Promise<ParameterVersionRecord> => {
    const current = await tx.parameters.get(name);
    if (!current) throw new AwsError("ParameterNotFound", `Parameter ${excerpt(name, 256)} not found.`);
    const found = version === undefined || version === current.version ? current : await tx.parameters.version(name, version);
    if (!found) throw new AwsError("ParameterVersionNotFound", `Systems Manager could not find version ${version} of ${excerpt(name, 256)}. Verify the version and try again.`);
    return found;
  };

  return {
    LabelParameterVersion: operation<LabelParameterVersionRequest>(LabelParameterVersionRequest$, async (input) => {
      const labels = [...new Set(checkLabelList(input.Labels ?? []))];
      const valid = labels.filter(isValidLabel);
      return store.write(async (tx) => {
        const version = await target(tx, input.Name ?? "", input.ParameterVersion);
        const carried = [...version.labels, ...valid.filter((l) => !version.labels.includes(l))];
        if (carried.length > maxLabelsPerVersion) {
          throw new AwsError("ParameterVersionLabelLimitExceeded", `A parameter version can have maximum ${maxLabelsPerVersion} labels. Move one or more labels to another version and try again.`);
        }
        // A label moves: the version that carried it before no longer does.
        for (const label of valid) {
          const holder = await tx.parameters.labelled(version.name, label);
          if (holder && holder.version !== version.version) await tx.parameters.setLabels(version.name, holder.version, holder.labels.filter((l) => l !== label));
        }
        await tx.parameters.setLabels(version.name, version.version, carried);
        return { InvalidLabels: labels.filter((l) => !isValidLabel(l)), ParameterVersion: version.version };
      });
    }),

    UnlabelParameterVersion: operation<UnlabelParameterVersionRequest>(UnlabelParameterVersionRequest$, async (input) => {
      const labels = [...new Set(checkLabelList(input.Labels ?? []))];
      return store.write(async (tx) => {
        const version = await target(tx, input.Name ?? "", input.ParameterVersion);
        const removed = labels.filter((l) => version.labels.includes(l));
        await tx.parameters.setLabels(version.name, version.version, version.labels.filter((l) => !removed.includes(l)));
        return { RemovedLabels: removed, InvalidLabels: labels.filter((l) => !removed.includes(l)) };
      });
    }),
  };
}
