/**
 * The shapes this folder produces: the task definition document as ECS returns it, minus the members
 * the register handler adds itself (ARN, revision, status and the registration stamps).
 */
import type {
  Compatibility,
  ContainerDefinition,
  KeyValuePair,
  MountPoint,
  NetworkMode,
  PortMapping,
  SystemControl,
  TaskDefinition,
  TaskDefinitionPlacementConstraint,
  Volume,
  VolumeFrom,
} from "@aws-sdk/client-ecs";

/** A container definition with the members ECS always returns filled in. */
export type NormalizedContainer = ContainerDefinition & {
  name: string;
  image: string;
  cpu: number;
  essential: boolean;
  portMappings: PortMapping[];
  environment: KeyValuePair[];
  mountPoints: MountPoint[];
  volumesFrom: VolumeFrom[];
  systemControls: SystemControl[];
};

/** Members of TaskDefinition the register handler stamps, not this folder. */
export type HandlerStampedMember =
  | "taskDefinitionArn"
  | "revision"
  | "status"
  | "registeredAt"
  | "registeredBy"
  | "deregisteredAt"
  | "deleteRequestedAt";

/** The registered document, everything but the handler's stamps; members ECS always returns are required. */
export type NormalizedTaskDefinition = Omit<TaskDefinition, HandlerStampedMember | "containerDefinitions"> & {
  family: string;
  containerDefinitions: NormalizedContainer[];
  volumes: Volume[];
  placementConstraints: TaskDefinitionPlacementConstraint[];
  compatibilities: Compatibility[];
};

/** What several rules need to know about the task as a whole, computed once from the request. */
export interface TaskFacts {
  /** The mode the task runs with: the requested one, or bridge (ECS's Linux default) when absent. */
  readonly networkMode: NetworkMode;
  /** Task cpu in CPU units, when the request sets it. */
  readonly cpu: number | undefined;
  /** Task memory in MiB, when the request sets it. */
  readonly memory: number | undefined;
  /** The launch types the request asks ECS to validate against (requiresCompatibilities). */
  readonly requires: readonly Compatibility[];
}

/**
 * Checks a memberOf expression against the cluster query language. Returns why it is invalid, or
 * undefined when it is fine. The placement engine's parser plugs in here.
 */
export type ExpressionCheck = (expression: string) => string | undefined;
