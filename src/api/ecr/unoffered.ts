import { sdk as ecr } from "../../aws-sdk/ecr.js";
import type { StaticStructureSchema } from "@smithy/types";
import { refusedOperation, type Operation, type Refusal } from "../aws-json/service.js";

/**
 * The operations of ECR's model that Berth answers with an error only: ValidationException, which
 * the model declares for each of them, and why: `refused` for what needs AWS itself (`not-yet`, for
 * what Berth means to offer, has no ECR operation left). docs/compatibility.md lists them (`npm run compat`).
 */
const refused = (reason: string): Refusal => ({ kind: "refused", code: "ValidationException", reason });

const pullThroughCache =
  "pull-through cache rules fetch from upstream registries on the internet (and their credentials from AWS Secrets Manager), which a Berth server does not reach; push the images you need with docker push";
const signing = "managed image signing signs with AWS Signer profiles, which Berth does not have; sign with cosign or notation and push the signature as an OCI artifact";
const pullTimeExclusions = "pull-time update exclusions belong to ECR's archive storage class, which Berth does not have";

const unoffered: Readonly<Record<string, Refusal>> = {
  CreatePullThroughCacheRule: refused(pullThroughCache),
  DeletePullThroughCacheRule: refused(pullThroughCache),
  DescribePullThroughCacheRules: refused(pullThroughCache),
  UpdatePullThroughCacheRule: refused(pullThroughCache),
  ValidatePullThroughCacheRule: refused(pullThroughCache),
  PutSigningConfiguration: refused(signing),
  GetSigningConfiguration: refused(signing),
  DeleteSigningConfiguration: refused(signing),
  DescribeImageSigningStatus: refused(signing),
  UpdateImageStorageClass: refused("image storage classes (ARCHIVE) are an AWS storage tier; Berth keeps every image in its one blob store"),
  RegisterPullTimeUpdateExclusion: refused(pullTimeExclusions),
  DeregisterPullTimeUpdateExclusion: refused(pullTimeExclusions),
  ListPullTimeUpdateExclusions: refused(pullTimeExclusions),
};

/** The refused operations, each checking its input against the model's `<Op>Request` shape first. */
export function unofferedOperations(): Record<string, Operation> {
  const schemas = ecr as unknown as Readonly<Record<string, StaticStructureSchema | undefined>>;
  return Object.fromEntries(
    Object.entries(unoffered).map(([name, refusal]) => {
      const input = schemas[`${name}Request$`];
      if (!input) throw new Error(`@aws-sdk/client-ecr has no ${name}Request$ schema`);
      return [name, refusedOperation(name, input, refusal)];
    }),
  );
}
