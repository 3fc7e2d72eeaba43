import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * Elastic Load Balancing v2's error catalog: the exceptions of its model that Berth's ELBv2
 * operations raise, with their statuses (Query protocol: codes without "Exception", as the CLI
 * prints them). ValidationError and the signature errors are the front door's.
 */
export const elbv2Errors = {
  DuplicateLoadBalancerName: 400,
  DuplicateTargetGroupName: 400,
  DuplicateListener: 400,
  DuplicateTagKeys: 400,
  LoadBalancerNotFound: 400,
  TargetGroupNotFound: 400,
  ListenerNotFound: 400,
  RuleNotFound: 400,
  PriorityInUse: 400,
  InvalidTarget: 400,
  ResourceInUse: 400,
  InvalidConfigurationRequest: 400,
  IncompatibleProtocols: 400,
  UnsupportedProtocol: 400,
  CertificateNotFound: 400,
  TooManyTags: 400,
  TooManyTargets: 400,
  OperationNotPermitted: 400,
} as const satisfies ErrorCatalog;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds ELBv2's names
  interface ServiceErrorNames extends Record<keyof typeof elbv2Errors, true> {}
}
