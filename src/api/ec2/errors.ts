import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * Amazon EC2's error codes that Berth's security groups answer. EC2's model declares no error
 * shapes: its codes are documented (EC2 API Reference, "Error codes"), every client error is 400,
 * and the EC2 front door writes them in EC2's own `<Response><Errors>` document (xml.ts).
 */
export const ec2Errors = {
  MissingParameter: 400,
  InvalidParameterValue: 400,
  InvalidParameterCombination: 400,
  UnknownParameter: 400,
  "InvalidGroup.NotFound": 400,
  "InvalidGroup.Duplicate": 400,
  "InvalidGroup.Reserved": 400,
  "InvalidGroupId.Malformed": 400,
  "InvalidPermission.Duplicate": 400,
  "InvalidPermission.NotFound": 400,
  "InvalidPermission.Malformed": 400,
  "InvalidVpcID.NotFound": 400,
  CannotDelete: 400,
  DependencyViolation: 400,
  RulesPerSecurityGroupLimitExceeded: 400,
  SecurityGroupLimitExceeded: 400,
  UnauthorizedOperation: 403,
} as const satisfies ErrorCatalog;

export type Ec2ErrorName = keyof typeof ec2Errors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds EC2's names
  interface ServiceErrorNames extends Record<Ec2ErrorName, true> {}
}
