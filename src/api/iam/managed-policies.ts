import { parsePolicy } from "../../auth/policy/document.js";
import { iamArn, parseIamArn, type Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { iamKey, type IamManagedPolicyRecord } from "../../state/iam-records.js";
import type { ReadTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import { iamId, mutate, type IamDeps } from "./deps.js";
import type { IdentityKind } from "./inline-policies.js";
import { optional, optionalBool, optionalInt, required, rules } from "./params.js";
import { paged, policyView, versionView } from "./views.js";

/** IAM: "Cannot exceed quota for PolicySize: 6144" (non-whitespace characters). */
const managedPolicyChars = 6144;
/** IAM keeps at most five versions of a managed policy. */
const versionsPerPolicy = 5;
/**
 * Managed policies attached to one user or role. AWS allows 10 (20 on request); Berth allows more,
 * for teams that compose many small policies: evaluation stays cheap (auth/policy/, bench/).
 */
export const attachedPoliciesPerIdentity = 100;

const notAttachable = (arn: string) => new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`);

export async function getPolicy(tx: ReadTx, arn: string): Promise<IamManagedPolicyRecord> {
  const parsed = parseIamArn(arn);
  const policy = parsed?.type === "policy" ? await tx.iam.policies.get(iamKey(parsed.name)) : undefined;
  if (!policy || policy.arn !== arn) throw new AwsError("NoSuchEntity", `Policy ${arn} was not found.`);
  return policy;
}

function checkManaged(document: string): void {
  parsePolicy(document, "identity");
  if (document.replace(/\s/g, "").length > managedPolicyChars) throw new AwsError("LimitExceeded", `Cannot exceed quota for PolicySize: ${managedPolicyChars}`);
}

/** How many users and roles have `arn` attached. */
/** How many users and roles `arn` bounds (PermissionsBoundaryUsageCount). */
async function boundaryUses(tx: ReadTx, arn: string): Promise<number> {
  const [users, roles] = await Promise.all([tx.iam.users.list(), tx.iam.roles.list()]);
  return [...users, ...roles].filter((i) => i.permissionsBoundary === arn).length;
}

async function attachments(tx: ReadTx, arn: string): Promise<number> {
  const [users, roles, groups] = await Promise.all([tx.iam.users.list(), tx.iam.roles.list(), tx.iam.groups.list()]);
  return [...users, ...roles, ...groups].filter((i) => i.attachedPolicies.includes(arn)).length;
}

const policyResource = (params: Readonly<Record<string, unknown>>, p: Partition): string =>
  typeof params.PolicyArn === "string" ? params.PolicyArn : iamArn(p, "policy", typeof params.Path === "string" ? params.Path : "/", typeof params.PolicyName === "string" ? params.PolicyName : "*");

export function managedPolicyOperations(deps: IamDeps): Record<string, QueryOperation> {
  const { partition } = deps;
  return {
    CreatePolicy: {
      resource: policyResource,
      handle: async (params, ctx) => {
        const policyName = required(params, "PolicyName", rules.policyName);
        const path = optional(params, "Path", rules.path) ?? "/";
        const document = required(params, "PolicyDocument", rules.document);
        const description = optional(params, "Description", rules.description);
        checkManaged(document);
        const policy: IamManagedPolicyRecord = {
          policyName,
          policyId: iamId("ANPA"),
          arn: iamArn(partition, "policy", path, policyName),
          path,
          description,
          createdAtMs: ctx.nowMs,
          updatedAtMs: ctx.nowMs,
          defaultVersionId: "v1",
          versions: [{ versionId: "v1", document, createdAtMs: ctx.nowMs }],
          nextVersion: 2,
        };
        await mutate(deps, async (tx) => {
          if (await tx.iam.policies.get(iamKey(policyName))) throw new AwsError("EntityAlreadyExists", `A policy called ${policyName} already exists. Duplicate names are not allowed.`);
          await tx.iam.policies.put(iamKey(policyName), policy);
        });
        return { Policy: policyView(policy, 0) };
      },
    },
    GetPolicy: {
      resource: policyResource,
      handle: async (params) => {
        const arn = required(params, "PolicyArn", rules.arn);
        return deps.store.read(async (tx) => {
          const policy = await getPolicy(tx, arn);
          return { Policy: policyView(policy, await attachments(tx, arn), await boundaryUses(tx, arn)) };
        });
      },
    },
    ListPolicies: {
      handle: async (params) => {
        const prefix = optional(params, "PathPrefix", rules.path) ?? "/";
        const onlyAttached = optionalBool(params, "OnlyAttached") ?? false;
        const listed = await deps.store.read(async (tx) => {
          const all = (await tx.iam.policies.list()).filter((p) => p.path.startsWith(prefix));
          const withCounts = await Promise.all(all.map(async (p) => ({ p, n: await attachments(tx, p.arn) })));
          return withCounts.filter(({ n }) => !onlyAttached || n > 0);
        });
        const { page, IsTruncated, Marker } = paged(listed, params, ({ p }) => iamKey(p.policyName), optionalInt(params, "MaxItems", 1, 1000));
        return { Policies: page.map(({ p, n }) => policyView(p, n)), IsTruncated, Marker };
      },
    },
    DeletePolicy: {
      resource: policyResource,
      handle: async (params) => {
        const arn = required(params, "PolicyArn", rules.arn);
        await mutate(deps, async (tx) => {
          const policy = await getPolicy(tx, arn);
          if ((await attachments(tx, arn)) > 0 || (await boundaryUses(tx, arn)) > 0) throw new AwsError("DeleteConflict", "Cannot delete a policy attached to entities.");
          if (policy.versions.length > 1) {
            throw new AwsError("DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
          }
          await tx.iam.policies.delete(iamKey(policy.policyName));
        });
        return {};
      },
    },
    GetPolicyVersion: {
      resource: policyResource,
      handle: async (params) => {
        const arn = required(params, "PolicyArn", rules.arn);
        const versionId = required(params, "VersionId", { min: 1, max: 32, pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, patternText: "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?" });
        const policy = await deps.store.read((tx) => getPolicy(tx, arn));
        const version = policy.versions.find((v) => v.versionId === versionId);
        if (!version) throw new AwsError("NoSuchEntity", `Policy ${arn} version ${versionId} does not exist or is not attachable.`);
        return { PolicyVersion: versionView(policy, version) };
      },
    },
    ListPolicyVersions: {
      resource: policyResource,
      handle: async (params) => {
        const policy = await deps.store.read((tx) => getPolicy(tx, required(params, "PolicyArn", rules.arn)));
        return { Versions: [...policy.versions].reverse().map((v) => ({ ...versionView(policy, v), Document: undefined })), IsTruncated: false };
      },
    },
    CreatePolicyVersion: {
      resource: policyResource,
      handle: async (params, ctx) => {
        const arn = required(params, "PolicyArn", rules.arn);
        const document = required(params, "PolicyDocument", rules.document);
        const setAsDefault = optionalBool(params, "SetAsDefault") ?? false;
        checkManaged(document);
        const { policy, version } = await mutate(deps, async (tx) => {
          const current = await getPolicy(tx, arn);
          if (current.versions.length >= versionsPerPolicy) {
            throw new AwsError("LimitExceeded", `A managed policy can have up to ${versionsPerPolicy} versions. Before you create a new version, you must delete an existing version.`);
          }
          const version = { versionId: `v${current.nextVersion}`, document, createdAtMs: ctx.nowMs };
          const policy: IamManagedPolicyRecord = {
            ...current,
            versions: [...current.versions, version],
            nextVersion: current.nextVersion + 1,
            defaultVersionId: setAsDefault ? version.versionId : current.defaultVersionId,
            updatedAtMs: ctx.nowMs,
          };
          await tx.iam.policies.put(iamKey(policy.policyName), policy);
          return { policy, version };
        });
        return { PolicyVersion: { ...versionView(policy, version), Document: undefined } };
      },
    },
    // The version that decides from now on (a rollback to an earlier document, or a move forward).
    SetDefaultPolicyVersion: {
      resource: policyResource,
      handle: async (params, ctx) => {
        const arn = required(params, "PolicyArn", rules.arn);
        const versionId = required(params, "VersionId", { min: 1, max: 32, pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, patternText: "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?" });
        await mutate(deps, async (tx) => {
          const policy = await getPolicy(tx, arn);
          if (!policy.versions.some((v) => v.versionId === versionId)) throw new AwsError("NoSuchEntity", `Policy ${arn} version ${versionId} does not exist or is not attachable.`);
          await tx.iam.policies.put(iamKey(policy.policyName), { ...policy, defaultVersionId: versionId, updatedAtMs: ctx.nowMs });
        });
        return {};
      },
    },
    DeletePolicyVersion: {
      resource: policyResource,
      handle: async (params) => {
        const arn = required(params, "PolicyArn", rules.arn);
        const versionId = required(params, "VersionId", { min: 1, max: 32 });
        await mutate(deps, async (tx) => {
          const policy = await getPolicy(tx, arn);
          if (!policy.versions.some((v) => v.versionId === versionId)) throw new AwsError("NoSuchEntity", `Policy ${arn} version ${versionId} does not exist.`);
          if (policy.defaultVersionId === versionId) throw new AwsError("DeleteConflict", "Cannot delete the default version of a policy.");
          await tx.iam.policies.put(iamKey(policy.policyName), { ...policy, versions: policy.versions.filter((v) => v.versionId !== versionId) });
        });
        return {};
      },
    },
  };
}

/** Attach/Detach/ListAttached{User,Role}Policies. */
export function attachmentOperations(deps: IamDeps, kind: IdentityKind): Record<string, QueryOperation> {
  const { noun } = kind;
  const nameParam = `${noun}Name`;
  return {
    [`Attach${noun}Policy`]: {
      resource: kind.resource,
      handle: async (params) => {
        const who = required(params, nameParam, rules.name);
        const arn = required(params, "PolicyArn", rules.arn);
        await mutate(deps, async (tx) => {
          const identity = await kind.get(tx, who);
          const parsed = parseIamArn(arn);
          const policy = parsed?.type === "policy" ? await tx.iam.policies.get(iamKey(parsed.name)) : undefined;
          if (policy?.arn !== arn) throw notAttachable(arn);
          if (identity.attachedPolicies.includes(arn)) return;
          if (identity.attachedPolicies.length >= attachedPoliciesPerIdentity) {
            throw new AwsError("LimitExceeded", `Cannot exceed quota for PoliciesPer${noun}: ${attachedPoliciesPerIdentity}`);
          }
          await kind.put(tx, { ...identity, attachedPolicies: [...identity.attachedPolicies, arn] });
        });
        return {};
      },
    },
    [`Detach${noun}Policy`]: {
      resource: kind.resource,
      handle: async (params) => {
        const who = required(params, nameParam, rules.name);
        const arn = required(params, "PolicyArn", rules.arn);
        await mutate(deps, async (tx) => {
          const identity = await kind.get(tx, who);
          if (!identity.attachedPolicies.includes(arn)) throw new AwsError("NoSuchEntity", `Policy ${arn} was not found.`);
          await kind.put(tx, { ...identity, attachedPolicies: identity.attachedPolicies.filter((a) => a !== arn) });
        });
        return {};
      },
    },
    [`ListAttached${noun}Policies`]: {
      resource: kind.resource,
      handle: async (params) => {
        const who = required(params, nameParam, rules.name);
        const attached = await deps.store.read(async (tx) => (await kind.get(tx, who)).attachedPolicies);
        const items = [...attached].sort().map((arn) => ({ PolicyName: parseIamArn(arn)?.type === "policy" ? arn.slice(arn.lastIndexOf("/") + 1) : arn, PolicyArn: arn }));
        const { page, IsTruncated, Marker } = paged(items, params, (i) => i.PolicyArn, optionalInt(params, "MaxItems", 1, 1000));
        return { AttachedPolicies: page, IsTruncated, Marker };
      },
    },
  };
}
