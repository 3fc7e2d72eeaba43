import { arnId, assumedRoleArn, iamRootArn, type Partition } from "../domain/arn.js";
import type { PolicySet } from "./policy/policy-set.js";

/**
 * Who signed a request, resolved from its access key. A discriminated union: IAM users, assumed
 * roles and task-role credentials are further kinds of the same union, resolved by the same
 * {@link Authenticator} and judged by the same `authorize`.
 */
export type Principal = RootPrincipal | AgentPrincipal | IamUserPrincipal | AssumedRolePrincipal;

/** The key written to `<data-dir>/credentials` at first start: the account's root, allowed everything. */
export interface RootPrincipal {
  readonly kind: "root";
  readonly accessKeyId: string;
  /** `arn:aws:iam::<account>:root`, as AWS names an account's root user. */
  readonly arn: string;
}

/** The agent of one container instance, with the credential it was issued when it registered. */
export interface AgentPrincipal {
  readonly kind: "agent";
  readonly accessKeyId: string;
  /** `arn:aws:sts::<account>:assumed-role/berth-agent/<container-instance-id>` (see README.md). */
  readonly arn: string;
  readonly containerInstanceArn: string;
  readonly cluster: string;
}

/** An IAM user signing with one of its access keys; its policies decide (auth/policy/). */
export interface IamUserPrincipal {
  readonly kind: "user";
  readonly accessKeyId: string;
  /** `arn:aws:iam::<account>:user/<path><name>`. */
  readonly arn: string;
  readonly userName: string;
  readonly userId: string;
  /** Its inline policies and the default versions of its managed ones, compiled. */
  readonly policies: PolicySet;
  /** Its permissions boundary, when it has one: what its policies allow must be allowed here too. */
  readonly boundary?: PolicySet | undefined;
  /** Its tags, for `aws:PrincipalTag/<key>`. */
  readonly tags: Readonly<Record<string, string>>;
}

/** A session of an IAM role (STS AssumeRole, or a task role), signing with temporary credentials. */
export interface AssumedRolePrincipal {
  readonly kind: "assumed-role";
  readonly accessKeyId: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  readonly roleArn: string;
  readonly roleName: string;
  readonly roleId: string;
  readonly sessionName: string;
  readonly policies: PolicySet;
  /** The role's permissions boundary, when it has one. */
  readonly boundary?: PolicySet | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/** The role name in agents' ARNs: as ECS agents act as `ecsInstanceRole`, Berth agents act as this. */
export const agentRoleName = "berth-agent";

export const rootPrincipal = (p: Partition, accessKeyId: string): RootPrincipal => ({
  kind: "root",
  accessKeyId,
  arn: iamRootArn(p),
});

/** An agent principal; its ARN's session name is the container instance's id. */
export function agentPrincipal(p: Partition, c: { accessKeyId: string; containerInstanceArn: string; cluster: string }): AgentPrincipal {
  const id = arnId(c.containerInstanceArn);
  return {
    kind: "agent",
    accessKeyId: c.accessKeyId,
    arn: assumedRoleArn(p, agentRoleName, id),
    containerInstanceArn: c.containerInstanceArn,
    cluster: c.cluster,
  };
}
