import { parsePolicy } from "../../auth/policy/document.js";
import { malformed } from "../../auth/policy/document.js";
import { iamArn, parseIamArn, type Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { iamKey, type IamRoleRecord } from "../../state/iam-records.js";
import type { ReadTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import { checkBoundaryPolicy } from "./boundary-policy.js";
import { iamId, mutate, type IamDeps } from "./deps.js";
import { optional, optionalInt, optionalTags, required, rules } from "./params.js";
import { paged, roleView } from "./views.js";

const noRole = (name: string) => new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`);

export async function getRole(tx: ReadTx, name: string): Promise<IamRoleRecord> {
  const role = await tx.iam.roles.get(iamKey(name));
  if (!role) throw noRole(name);
  return role;
}

export const roleResource = (params: Readonly<Record<string, unknown>>, p: Partition): string =>
  iamArn(p, "role", typeof params.Path === "string" ? params.Path : "/", typeof params.RoleName === "string" ? params.RoleName : "*");

/**
 * A trust policy, checked as IAM checks it: the grammar (a Principal, no Resource), then every AWS
 * principal it names must exist now (`Invalid principal in policy`), an account or `*` aside.
 */
export async function checkTrustPolicy(tx: ReadTx, text: string, p: Partition): Promise<void> {
  const doc = parsePolicy(text, "trust");
  for (const s of doc.Statement) {
    const spec = s.Principal ?? s.NotPrincipal;
    if (spec === undefined || spec === "*") continue;
    for (const arn of spec.AWS ?? []) {
      if (arn === "*" || /^\d{12}$/.test(arn) || /^arn:aws:iam::\d{12}:root$/.test(arn)) continue;
      const parsed = parseIamArn(arn);
      const exists =
        parsed?.accountId === p.accountId &&
        ((parsed.type === "user" && (await tx.iam.users.get(iamKey(parsed.name)))?.arn === arn) || (parsed.type === "role" && (await tx.iam.roles.get(iamKey(parsed.name)))?.arn === arn));
      if (!exists) throw malformed(`Invalid principal in policy: "AWS":"${arn.slice(0, 256)}"`);
    }
  }
}

export function roleOperations(deps: IamDeps): Record<string, QueryOperation> {
  const { partition } = deps;
  return {
    CreateRole: {
      resource: roleResource,
      handle: async (params, ctx) => {
        const roleName = required(params, "RoleName", rules.name);
        const path = optional(params, "Path", rules.path) ?? "/";
        const trust = required(params, "AssumeRolePolicyDocument", rules.document);
        const description = optional(params, "Description", rules.description);
        const maxSessionDurationS = optionalInt(params, "MaxSessionDuration", 3600, 43200) ?? 3600;
        const tags = optionalTags(params);
        const permissionsBoundary = optional(params, "PermissionsBoundary", rules.arn);
        const role: IamRoleRecord = {
          roleName,
          roleId: iamId("AROA"),
          arn: iamArn(partition, "role", path, roleName),
          path,
          createdAtMs: ctx.nowMs,
          description,
          maxSessionDurationS,
          assumeRolePolicyDocument: trust,
          tags,
          inlinePolicies: {},
          attachedPolicies: [],
          permissionsBoundary,
        };
        await mutate(deps, async (tx) => {
          await checkTrustPolicy(tx, trust, partition);
          if (permissionsBoundary !== undefined) await checkBoundaryPolicy(tx, permissionsBoundary);
          if (await tx.iam.roles.get(iamKey(roleName))) throw new AwsError("EntityAlreadyExists", `Role with name ${roleName} already exists.`);
          await tx.iam.roles.put(iamKey(roleName), role);
        });
        return { Role: roleView(role, true) };
      },
    },
    GetRole: {
      resource: roleResource,
      handle: async (params) => {
        const role = await deps.store.read((tx) => getRole(tx, required(params, "RoleName", rules.name)));
        return { Role: roleView(role, true) };
      },
    },
    ListRoles: {
      handle: async (params) => {
        const prefix = optional(params, "PathPrefix", rules.path) ?? "/";
        const roles = (await deps.store.read((tx) => tx.iam.roles.list())).filter((r) => r.path.startsWith(prefix));
        const { page, IsTruncated, Marker } = paged(roles, params, (r) => iamKey(r.roleName), optionalInt(params, "MaxItems", 1, 1000));
        return { Roles: page.map((r) => roleView(r)), IsTruncated, Marker };
      },
    },
    UpdateAssumeRolePolicy: {
      resource: roleResource,
      handle: async (params) => {
        const roleName = required(params, "RoleName", rules.name);
        const trust = required(params, "PolicyDocument", rules.document);
        await mutate(deps, async (tx) => {
          const role = await getRole(tx, roleName);
          await checkTrustPolicy(tx, trust, partition);
          await tx.iam.roles.put(iamKey(roleName), { ...role, assumeRolePolicyDocument: trust });
        });
        return {};
      },
    },
    DeleteRole: {
      resource: roleResource,
      handle: async (params) => {
        const roleName = required(params, "RoleName", rules.name);
        await mutate(deps, async (tx) => {
          const role = await getRole(tx, roleName);
          if (Object.keys(role.inlinePolicies).length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
          if (role.attachedPolicies.length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
          await tx.iam.roles.delete(iamKey(roleName));
        });
        return {};
      },
    },
  };
}
