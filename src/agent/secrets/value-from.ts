import { parseArn, parseParameterArn } from "../../domain/arn.js";

/**
 * Where one `valueFrom` of a task definition (a container's `secrets`, a log configuration's
 * `secretOptions`, `repositoryCredentials.credentialsParameter`) points, read as the ECS agent reads
 * it. Pure: no I/O.
 *
 * - A Secrets Manager ARN (the ARN's service is `secretsmanager`) is a secret:
 *   `arn:aws:secretsmanager:<region>:<account>:secret:<secret>` (the secret's name, or its name with
 *   the 6-character suffix), optionally followed by `:<json-key>:<version-stage>:<version-id>`, all
 *   three present and each possibly empty (`…:secret:db-AbCdEf:password::`). Any other number of
 *   fields is refused, as the ECS agent refuses it.
 * - Anything else is an SSM parameter: a name (`db`, `/app/db`), looked up in the task's region, or a
 *   parameter ARN `arn:aws:ssm:<region>:<account>:parameter/<name>`, looked up in the ARN's region;
 *   `parameter/app/db` is `/app/db` (a hierarchical name keeps its leading `/`), `parameter/db` is `db`.
 */
export type SecretSource =
  | { readonly service: "ssm"; readonly region: string; readonly name: string }
  | {
      readonly service: "asm";
      readonly region: string;
      /** GetSecretValue's SecretId: the ARN without the json key and version fields. */
      readonly secretId: string;
      readonly jsonKey?: string | undefined;
      readonly versionStage?: string | undefined;
      readonly versionId?: string | undefined;
    };

/** A valueFrom the agent cannot read, with the ECS agent's words for why. */
export interface UnreadableValueFrom {
  readonly service: "invalid";
  readonly problem: string;
}

/** ECS agent's words for a Secrets Manager ARN with a wrong number of fields. */
export const invalidSecretArn = "an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and try again.";

const emptyToUndefined = (s: string | undefined): string | undefined => (s === undefined || s === "" ? undefined : s);

/** Reads `valueFrom`; names (not ARNs, or ARNs without a region) are looked up in `taskRegion`. */
export function parseValueFrom(valueFrom: string, taskRegion: string): SecretSource | UnreadableValueFrom {
  const arn = parseArn(valueFrom);
  const region = arn?.region ? arn.region : taskRegion;
  if (arn?.service === "secretsmanager") {
    const fields = arn.resource.split(":");
    if (fields[0] !== "secret" || (fields.length !== 2 && fields.length !== 5) || fields[1] === "") {
      return { service: "invalid", problem: `trying to retrieve secret with value ${valueFrom} resulted in error: ${invalidSecretArn}` };
    }
    if (fields.length === 2) return { service: "asm", region, secretId: valueFrom };
    const secretId = `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:secret:${fields[1]}`;
    return { service: "asm", region, secretId, jsonKey: emptyToUndefined(fields[2]), versionStage: emptyToUndefined(fields[3]), versionId: emptyToUndefined(fields[4]) };
  }
  const parameter = parseParameterArn(valueFrom);
  if (parameter !== undefined) return { service: "ssm", region, name: parameter.path.includes("/") ? `/${parameter.path}` : parameter.path };
  return { service: "ssm", region, name: valueFrom };
}
