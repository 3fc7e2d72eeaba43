import { parseIamArn } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { iamKey } from "../../state/iam-records.js";
import type { ReadTx } from "../../state/store.js";

/** The managed policy a permissions boundary names must exist, as for an attachment (CreateUser, CreateRole, Put…PermissionsBoundary). */
export async function checkBoundaryPolicy(tx: ReadTx, arn: string): Promise<void> {
  const parsed = parseIamArn(arn);
  const policy = parsed?.type === "policy" ? await tx.iam.policies.get(iamKey(parsed.name)) : undefined;
  if (policy?.arn !== arn) throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`);
}
