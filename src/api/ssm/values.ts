import type { Parameter, ParameterHistory, ParameterMetadata } from "@aws-sdk/client-ssm";
import type { SecretBox } from "../../auth/secret-box.js";
import { parameterArn, type Partition } from "../../domain/arn.js";
import type { ParameterRecord, ParameterVersionRecord } from "../../state/parameter-records.js";
import type { Selector } from "./names.js";

/**
 * A parameter's value at rest and on the wire. A SecureString's value is sealed with the server's
 * box before it is stored; an answer gives it in clear only WithDecryption, and otherwise as AWS
 * gives the ciphertext it keeps: opaque base64, here of the sealed text (it opens with no key a
 * client has).
 */
export class ParameterValues {
  constructor(private readonly box: SecretBox) {}

  /** The value to store. */
  seal(v: ParameterVersionRecord): ParameterVersionRecord {
    return v.type === "SecureString" ? { ...v, value: this.box.seal(v.value) } : v;
  }

  /** The value to answer with. */
  shown(v: ParameterVersionRecord, decrypt: boolean): string {
    if (v.type !== "SecureString") return v.value;
    if (!decrypt) return Buffer.from(v.value, "utf8").toString("base64");
    const clear = this.box.open(v.value);
    // Sealed with another key: the data directory's iam-key was replaced. Not the client's fault.
    if (clear === undefined) throw new Error(`the value of SecureString parameter ${v.name} (version ${v.version}) does not open with this server's key (<data-dir>/iam-key)`);
    return clear;
  }

  /** GetParameter(s) and GetParametersByPath's `Parameter`. */
  parameter(p: Partition, v: ParameterVersionRecord, decrypt: boolean, selector?: Selector): Parameter {
    return {
      Name: v.name,
      Type: v.type,
      Value: this.shown(v, decrypt),
      Version: v.version,
      Selector: selector && `:${selector.text}`,
      LastModifiedDate: new Date(v.modifiedMs),
      ARN: parameterArn(p, v.name),
      DataType: v.dataType,
    };
  }

  /** GetParameterHistory's `ParameterHistory`. */
  history(v: ParameterVersionRecord, decrypt: boolean): ParameterHistory {
    return {
      Name: v.name,
      Type: v.type,
      KeyId: v.keyId,
      LastModifiedDate: new Date(v.modifiedMs),
      LastModifiedUser: v.modifiedBy,
      Description: v.description,
      Value: this.shown(v, decrypt),
      AllowedPattern: v.allowedPattern,
      Version: v.version,
      Labels: [...v.labels],
      Tier: v.tier,
      Policies: [],
      DataType: v.dataType,
    };
  }
}

/** DescribeParameters' `ParameterMetadata`: everything but the value. */
export const metadataOf = (p: Partition, r: ParameterRecord): ParameterMetadata => ({
  Name: r.name,
  ARN: parameterArn(p, r.name),
  Type: r.type,
  KeyId: r.keyId,
  LastModifiedDate: new Date(r.modifiedMs),
  LastModifiedUser: r.modifiedBy,
  Description: r.description,
  AllowedPattern: r.allowedPattern,
  Version: r.version,
  Tier: r.tier,
  Policies: [],
  DataType: r.dataType,
});
