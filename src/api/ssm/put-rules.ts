import type { PutParameterRequest } from "@aws-sdk/client-ssm";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ParameterRecord, ParameterTier, ParameterType, ParameterVersionRecord } from "../../state/parameter-records.js";
import type { PatternVerdict } from "./allowed-pattern.js";
import { checkTags, tagMap } from "./tag-rules.js";

/** Parameter Store's limits on what PutParameter stores. */
export const putLimits = {
  /** Characters of a value, by tier. */
  standardValue: 4096,
  advancedValue: 8192,
  /** Versions kept of a parameter: the oldest goes when a new one comes, unless it carries a label. */
  versionsKept: 100,
  /** Parameters a region may hold, by tier. */
  standardParameters: 10_000,
  advancedParameters: 100_000,
  description: 1024,
  allowedPattern: 1024,
  dataType: 128,
} as const;

/** The key SecureString values are encrypted under when none is named: the account's AWS managed key for SSM. */
export const defaultKeyId = "alias/aws/ssm";

const types: readonly ParameterType[] = ["String", "StringList", "SecureString"];
const tiers = ["Standard", "Advanced", "Intelligent-Tiering"] as const;
/** Data types AWS offers besides `text`: Berth knows their names, and says it does not offer them. */
const otherDataTypes = ["aws:ec2:image", "aws:ssm:integration", "aws:region", "aws:account:id", "boolean", "integer", "float", "binary", "hostname", "email", "ipv4-address", "ipv6-address", "url", "json", "jsonc"];

/** What PutParameter is decided on besides its input: the parameter as stored, and the region's counts. */
export interface PutFacts {
  readonly current: ParameterRecord | undefined;
  /** Whether the oldest version kept, which a new one would push out, carries a label. */
  readonly oldestKeptLabelled: boolean;
  readonly counts: Readonly<Record<ParameterTier, number>>;
  readonly nowMs: number;
  /** The ARN of the caller (LastModifiedUser). */
  readonly caller: string;
  /** The check of a value against an AllowedPattern (allowed-pattern.ts). */
  readonly checkPattern: (pattern: string, value: string) => PatternVerdict;
}

/** The version PutParameter saves (its value in clear), and the tags of a parameter it creates. */
export interface PutDecision {
  readonly version: ParameterVersionRecord;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

const validation = (message: string): AwsError => new AwsError("ValidationException", message);
const tooLong = (member: string, max: number) => validation(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
/** Characters as AWS counts them in a value's limit (code points, not UTF-16 units). */
const characters = (s: string): number => [...s].length;

/**
 * PutParameter's decision, as Parameter Store makes it: a new parameter at version 1, or the next
 * version of an existing one (only with Overwrite); what the request leaves out is kept from the
 * newest version (type, description, key, allowed pattern, data type, tier). Pure: the caller reads
 * the facts, and saves the version only over the one it read.
 */
export function decidePut(name: string, input: PutParameterRequest, facts: PutFacts): PutDecision {
  const { current } = facts;
  const value = input.Value ?? "";
  if (input.Tags !== undefined && input.Tags.length > 0 && input.Overwrite === true) {
    throw validation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
    );
  }
  if (value.length === 0) throw validation("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1.");
  if (input.Type !== undefined && !types.includes(input.Type)) {
    throw validation(`1 validation error detected: Value '${excerpt(String(input.Type), 64)}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
  }
  if (input.Tier !== undefined && !(tiers as readonly string[]).includes(input.Tier)) {
    throw validation(`1 validation error detected: Value '${excerpt(String(input.Tier), 64)}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]`);
  }
  if ((input.Description?.length ?? 0) > putLimits.description) throw tooLong("description", putLimits.description);
  if ((input.AllowedPattern?.length ?? 0) > putLimits.allowedPattern) throw tooLong("allowedPattern", putLimits.allowedPattern);
  if ((input.DataType?.length ?? 0) > putLimits.dataType) throw tooLong("dataType", putLimits.dataType);
  if (input.KeyId !== undefined && !/^[a-zA-Z0-9:/_-]{1,256}$/.test(input.KeyId)) {
    throw validation(`1 validation error detected: Value '${excerpt(input.KeyId, 256)}' at 'keyId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-zA-Z0-9:/_-]+)$ and have length between 1 and 256`);
  }
  if (input.Policies !== undefined && input.Policies.trim() !== "" && input.Policies.trim() !== "[]") {
    throw new AwsError("InvalidPolicyTypeException", "Berth's Parameter Store offers no parameter policies (Expiration, ExpirationNotification, NoChangeNotification): send the parameter without Policies.");
  }
  if (current && input.Overwrite !== true) throw new AwsError("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
  if (!current && input.Type === undefined) throw validation("A parameter type is required when you create a parameter.");
  if (current && input.Type !== undefined && input.Type !== current.type) {
    throw new AwsError("HierarchyTypeMismatchException", `The parameter ${excerpt(name, 256)} is a ${current.type}: its type can't be changed to ${input.Type}. Delete it and create it again with the new type, or create a new parameter.`);
  }
  const type = input.Type ?? current!.type;
  if (input.KeyId !== undefined && type !== "SecureString") {
    throw new AwsError("InvalidKeyId", `A KeyId is used with SecureString parameters only; ${excerpt(name, 256)} is a ${type}, which is not encrypted.`);
  }
  const dataType = input.DataType ?? current?.dataType ?? "text";
  checkDataType(dataType);
  const allowedPattern = input.AllowedPattern ?? current?.allowedPattern;
  if (allowedPattern !== undefined) checkPattern(allowedPattern, value, facts);
  const tier = decideTier(input.Tier, value, current, facts.counts);
  if (current && current.version >= putLimits.versionsKept && facts.oldestKeptLabelled) {
    const oldest = current.version + 1 - putLimits.versionsKept;
    throw new AwsError(
      "ParameterMaxVersionLimitExceeded",
      `You attempted to create a new version of ${excerpt(name, 256)} by calling the PutParameter API with the overwrite flag. Version ${oldest}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
    );
  }
  const tags = current ? undefined : checkTags(tagMap(input.Tags ?? []), "ValidationException");
  return {
    version: {
      name,
      version: (current?.version ?? 0) + 1,
      type,
      value,
      description: input.Description ?? current?.description,
      keyId: type === "SecureString" ? (input.KeyId ?? current?.keyId ?? defaultKeyId) : undefined,
      allowedPattern,
      tier,
      dataType,
      labels: [],
      modifiedMs: facts.nowMs,
      modifiedBy: facts.caller,
    },
    tags,
  };
}

function checkDataType(dataType: string): void {
  if (dataType === "text") return;
  if (otherDataTypes.includes(dataType)) {
    throw validation(`Berth's Parameter Store offers the data type text only; ${dataType} is validated against AWS resources Berth does not have. Store the value with DataType text.`);
  }
  throw validation(`The following data type is not supported: ${excerpt(dataType, 128)} (Data type names are all lowercase.)`);
}

function checkPattern(pattern: string, value: string, facts: PutFacts): void {
  const verdict = facts.checkPattern(pattern, value);
  if (verdict === "invalid") throw new AwsError("InvalidAllowedPatternException", `The request doesn't meet the regular expression requirement: ${excerpt(pattern, 1024)} is not a valid regular expression.`);
  if (verdict === "too-slow") throw new AwsError("InvalidAllowedPatternException", `The allowed pattern ${excerpt(pattern, 1024)} took too long to evaluate against the value: simplify it.`);
  // The value is not quoted: it may be a secret.
  if (verdict === "mismatch") throw new AwsError("ParameterPatternMismatchException", `Parameter value, cannot be validated against allowedPattern: ${excerpt(pattern, 1024)}`);
}

/**
 * The tier a version is saved in: the one asked for; else the parameter's (an Advanced parameter
 * can't go back to Standard); Intelligent-Tiering picks Standard when the value fits and Standard
 * has room, else Advanced.
 */
function decideTier(asked: string | undefined, value: string, current: ParameterRecord | undefined, counts: Readonly<Record<ParameterTier, number>>): ParameterTier {
  const size = characters(value);
  const creating = current === undefined;
  const standardFull = creating && counts.Standard >= putLimits.standardParameters;
  const tier: ParameterTier =
    asked === "Intelligent-Tiering" ? (current?.tier === "Advanced" || size > putLimits.standardValue || standardFull ? "Advanced" : "Standard") : asked === "Standard" || asked === "Advanced" ? asked : (current?.tier ?? "Standard");
  if (tier === "Standard" && current?.tier === "Advanced") {
    throw validation(
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
    );
  }
  if (tier === "Standard" && size > putLimits.standardValue) {
    throw validation(
      `Standard tier parameters support a maximum parameter value of ${putLimits.standardValue} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html`,
    );
  }
  if (size > putLimits.advancedValue) throw validation(`Advanced tier parameters support a maximum parameter value of ${putLimits.advancedValue} characters.`);
  const becomesAdvanced = tier === "Advanced" && current?.tier !== "Advanced";
  if ((tier === "Standard" && standardFull) || (becomesAdvanced && counts.Advanced >= putLimits.advancedParameters)) {
    throw new AwsError("ParameterLimitExceeded", `You have exceeded the number of parameters for this Amazon Web Services account: a region holds at most ${putLimits.standardParameters.toLocaleString("en-US")} standard and ${putLimits.advancedParameters.toLocaleString("en-US")} advanced parameters. Delete one or more parameters and try again.`);
  }
  return tier;
}
