import { createRequire } from "node:module";

/** `@aws-sdk/client-ssm`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");

export const {
  AddTagsToResourceRequest$,
  DeleteParameterRequest$,
  DeleteParametersRequest$,
  DescribeParametersRequest$,
  GetParameterHistoryRequest$,
  GetParameterRequest$,
  GetParametersByPathRequest$,
  GetParametersCommand,
  GetParametersRequest$,
  LabelParameterVersionRequest$,
  ListTagsForResourceRequest$,
  PutParameterRequest$,
  RemoveTagsFromResourceRequest$,
  SSMClient,
  UnlabelParameterVersionRequest$,
} = sdk;

// The classes' instance types, under the same names, as the package exports them.
export type GetParametersCommand = import("@aws-sdk/client-ssm").GetParametersCommand;
export type SSMClient = import("@aws-sdk/client-ssm").SSMClient;
