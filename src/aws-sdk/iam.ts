import { createRequire } from "node:module";

/** `@aws-sdk/client-iam`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-iam") as typeof import("@aws-sdk/client-iam");

export const {
  IAMClient,
  SimulatePrincipalPolicyCommand,
} = sdk;

// The classes' instance types, under the same names, as the package exports them.
export type IAMClient = import("@aws-sdk/client-iam").IAMClient;
export type SimulatePrincipalPolicyCommand = import("@aws-sdk/client-iam").SimulatePrincipalPolicyCommand;
