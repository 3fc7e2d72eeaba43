import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * Berth's own service's error catalog, in ECS's words (its callers are ECS agents and operators):
 * ClientException for a request that names something not there, InvalidParameterException for a
 * request whose shape is wrong (the front door's shape check).
 */
export const berthErrors = {
  ClientException: 400,
  InvalidParameterException: 400,
} as const satisfies ErrorCatalog;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds Berth's names
  interface ServiceErrorNames extends Record<keyof typeof berthErrors, true> {}
}
