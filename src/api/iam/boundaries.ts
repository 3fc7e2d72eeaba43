import type { Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { iamKey } from "../../state/iam-records.js";
import type { WriteTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import { checkBoundaryPolicy } from "./boundary-policy.js";
import { mutate, type IamDeps } from "./deps.js";
import { required, rules } from "./params.js";
import { getRole, roleResource } from "./roles.js";
import { getUser, userResource } from "./users.js";

/** A user's or a role's permissions boundary, as the operations of that noun read and write it. */
interface BoundaryKind {
  readonly noun: "User" | "Role";
  readonly resource: (params: Readonly<Record<string, unknown>>, p: Partition) => string;
  set(tx: WriteTx, name: string, arn: string | undefined): Promise<boolean>;
}

const kinds: readonly BoundaryKind[] = [
  {
    noun: "User",
    resource: userResource,
    set: async (tx, name, arn) => {
      const user = await getUser(tx, name);
      await tx.iam.users.put(iamKey(user.userName), { ...user, permissionsBoundary: arn });
      return user.permissionsBoundary !== undefined;
    },
  },
  {
    noun: "Role",
    resource: roleResource,
    set: async (tx, name, arn) => {
      const role = await getRole(tx, name);
      await tx.iam.roles.put(iamKey(role.roleName), { ...role, permissionsBoundary: arn });
      return role.permissionsBoundary !== undefined;
    },
  },
];

/**
 * Put/Delete{User,Role}PermissionsBoundary: a managed policy that bounds what the identity's
 * policies can allow (auth/authorize.ts: allowed only where both allow; an explicit deny in either wins).
 */
export function boundaryOperations(deps: IamDeps): Record<string, QueryOperation> {
  const ops: Record<string, QueryOperation> = {};
  for (const kind of kinds) {
    const nameParam = `${kind.noun}Name`;
    ops[`Put${kind.noun}PermissionsBoundary`] = {
      resource: kind.resource,
      handle: async (params) => {
        const name = required(params, nameParam, rules.name);
        const arn = required(params, "PermissionsBoundary", rules.arn);
        await mutate(deps, async (tx) => {
          await checkBoundaryPolicy(tx, arn);
          await kind.set(tx, name, arn);
        });
        return {};
      },
    };
    ops[`Delete${kind.noun}PermissionsBoundary`] = {
      resource: kind.resource,
      handle: async (params) => {
        const name = required(params, nameParam, rules.name);
        await mutate(deps, async (tx) => {
          if (!(await kind.set(tx, name, undefined))) throw new AwsError("NoSuchEntity", `The ${kind.noun.toLowerCase()} with name ${name} has no permissions boundary.`);
        });
        return {};
      },
    };
  }
  return ops;
}
