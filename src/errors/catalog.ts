import { boundMessage } from "../observability/excerpt.js";

/**
 * The one catalog of errors Berth returns to clients: AWS exception names and their HTTP statuses.
 *
 * Only ECS's AccessDeniedException declares an HTTP code (403); for the others the AWS JSON
 * protocol defaults apply: 400 for client errors, 500 for ServerException. A name two services
 * share (InvalidParameterException) is one entry. Authentication errors are 403, as AWS sends them.
 */
export const errorStatus = {
  // Front door (any JSON 1.1 service)
  SerializationException: 400,
  UnknownOperationException: 400,
  ValidationException: 400,
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  // Query protocol front door (STS, IAM, ELBv2, CloudWatch for older clients)
  MissingAction: 400,
  InvalidAction: 400,
  MalformedQueryString: 400,
  // ECS (AccessDeniedException is also what any service answers for an IAM refusal)
  AccessDeniedException: 403,
  ClientException: 400,
  InvalidParameterException: 400,
  ServerException: 500,
  ClusterNotFoundException: 400,
  ClusterContainsContainerInstancesException: 400,
  ClusterContainsServicesException: 400,
  ClusterContainsTasksException: 400,
  ResourceNotFoundException: 400,
  ResourceInUseException: 400,
  ServiceNotFoundException: 400,
  ServiceNotActiveException: 400,
  TargetNotFoundException: 400,
  AttributeLimitExceededException: 400,
  LimitExceededException: 400,
  UnsupportedFeatureException: 400,
  ConflictException: 400,
  PlatformUnknownException: 400,
  PlatformTaskDefinitionIncompatibilityException: 400,
  // ECR (InvalidParameterException, LimitExceededException and ServerException are shared with ECS)
  RepositoryNotFoundException: 400,
  RepositoryAlreadyExistsException: 400,
  RepositoryNotEmptyException: 400,
  ImageNotFoundException: 400,
  ImageTagAlreadyExistsException: 400,
  ImageAlreadyExistsException: 400,
  ImageDigestDoesNotMatchException: 400,
  ReferencedImagesNotFoundException: 400,
  LayersNotFoundException: 400,
  LifecyclePolicyNotFoundException: 400,
  LifecyclePolicyPreviewNotFoundException: 400,
  InvalidTagParameterException: 400,
  TooManyTagsException: 400,
  // ELBv2 (Query protocol: codes without "Exception", as the CLI prints them; ValidationError is ValidationException above)
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
} as const;

export type ErrorCode = keyof typeof errorStatus;

/**
 * An error a client sees as `{"__type": code, "message": message}`. Messages quote what the client
 * sent through `excerpt`; the message as a whole is cut at 1,024 characters all the same.
 */
export class AwsError extends Error {
  override readonly name = "AwsError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra members some exceptions carry (e.g. ConflictException's resourceIds). */
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(boundMessage(message));
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const clientException = (message: string): AwsError => new AwsError("ClientException", message);
export const invalidParameter = (message: string): AwsError => new AwsError("InvalidParameterException", message);
