import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * AWS STS's error catalog. GetCallerIdentity, the one operation Berth serves, declares no
 * exception of its own: every refusal it can meet is the Query front door's (signatures, a missing
 * or unknown Action: the shared core in `errors/catalog.ts`).
 */
export const stsErrors = {} as const satisfies ErrorCatalog;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds STS's names
  interface ServiceErrorNames extends Record<keyof typeof stsErrors, true> {}
}
