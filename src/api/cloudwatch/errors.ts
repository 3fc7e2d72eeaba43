import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * Amazon CloudWatch's error catalog: the exceptions of its model that Berth answers, by their shape
 * names (what AWS JSON and RPC v2 CBOR clients read in `__type`), and the same errors by their
 * Query-protocol codes (`awsQueryError` in the model: what the AWS CLI 2.9 prints), which
 * `queryCodeOf` maps to.
 */
export const cloudWatchErrors = {
  InvalidParameterValueException: 400,
  MissingRequiredParameterException: 400,
  InvalidParameterCombinationException: 400,
  InvalidNextToken: 400,
  LimitExceededFault: 400,
  ResourceNotFound: 404,
  InvalidFormatFault: 400,
  // The Query protocol's codes of the same errors
  InvalidParameterValue: 400,
  MissingParameter: 400,
  InvalidParameterCombination: 400,
  LimitExceeded: 400,
  InvalidFormat: 400,
} as const satisfies ErrorCatalog;

export type CloudWatchErrorName = keyof typeof cloudWatchErrors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds CloudWatch's names
  interface ServiceErrorNames extends Record<CloudWatchErrorName, true> {}
}

const queryCodes: Partial<Record<CloudWatchErrorName, CloudWatchErrorName>> = {
  InvalidParameterValueException: "InvalidParameterValue",
  MissingRequiredParameterException: "MissingParameter",
  InvalidParameterCombinationException: "InvalidParameterCombination",
  LimitExceededFault: "LimitExceeded",
  InvalidFormatFault: "InvalidFormat",
};

/** The Query protocol's code of a CloudWatch exception (its `awsQueryError`), or the name itself. */
export function queryCodeOf(name: string): string {
  return Object.hasOwn(queryCodes, name) ? queryCodes[name as CloudWatchErrorName]! : name;
}
