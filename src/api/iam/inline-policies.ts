import { parsePolicy } from "../../auth/policy/document.js";
import { AwsError } from "../../errors/catalog.js";
import { iamKey, type IamIdentityRecord } from "../../state/iam-records.js";
import type { Partition } from "../../domain/arn.js";
import type { ReadTx, WriteTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import { mutate, type IamDeps } from "./deps.js";
import { required, rules } from "./params.js";
import { getGroup, groupResource } from "./groups.js";
import { getRole, roleResource } from "./roles.js";
import { getUser, userResource } from "./users.js";

/** Users, groups and roles, as their inline and attached policies are kept: one shape, three tables. */
export interface IdentityKind {
  /** `User`, `Group` or `Role`: the operations' infix (PutUserPolicy) and their parameter (UserName). */
  readonly noun: "User" | "Group" | "Role";
  /** IAM's limit on the total size of an identity's inline policies, whitespace not counted. */
  readonly inlineBytes: number;
  readonly resource: (params: Readonly<Record<string, unknown>>, p: Partition) => string;
  get(tx: ReadTx, name: string): Promise<IamIdentityRecord & { readonly name: string }>;
  put(tx: WriteTx, record: IamIdentityRecord & { readonly name: string }): Promise<void>;
}

export const identityKinds: readonly IdentityKind[] = [
  {
    noun: "User",
    inlineBytes: 2048,
    resource: userResource,
    get: async (tx, name) => {
      const u = await getUser(tx, name);
      return { ...u, name: u.userName };
    },
    put: async (tx, { name, ...record }) => {
      const user = await getUser(tx, name);
      await tx.iam.users.put(iamKey(name), { ...user, inlinePolicies: record.inlinePolicies, attachedPolicies: record.attachedPolicies });
    },
  },
  {
    noun: "Group",
    inlineBytes: 5120,
    resource: groupResource,
    get: async (tx, name) => {
      const g = await getGroup(tx, name);
      return { ...g, name: g.groupName };
    },
    put: async (tx, { name, ...record }) => {
      const group = await getGroup(tx, name);
      await tx.iam.groups.put(iamKey(name), { ...group, inlinePolicies: record.inlinePolicies, attachedPolicies: record.attachedPolicies });
    },
  },
  {
    noun: "Role",
    inlineBytes: 10240,
    resource: roleResource,
    get: async (tx, name) => {
      const r = await getRole(tx, name);
      return { ...r, name: r.roleName };
    },
    put: async (tx, { name, ...record }) => {
      const role = await getRole(tx, name);
      await tx.iam.roles.put(iamKey(name), { ...role, inlinePolicies: record.inlinePolicies, attachedPolicies: record.attachedPolicies });
    },
  },
];

const nonWhitespace = (text: string): number => text.replace(/\s/g, "").length;

/** Put/Get/Delete/List{User,Role}Policy. */
export function inlinePolicyOperations(deps: IamDeps, kind: IdentityKind): Record<string, QueryOperation> {
  const { noun } = kind;
  const nameParam = `${noun}Name`;
  const lower = noun.toLowerCase();
  const noPolicy = (name: string) => new AwsError("NoSuchEntity", `The ${lower} policy with name ${name} cannot be found.`);
  return {
    [`Put${noun}Policy`]: {
      resource: kind.resource,
      handle: async (params) => {
        const who = required(params, nameParam, rules.name);
        const policyName = required(params, "PolicyName", rules.policyName);
        const document = required(params, "PolicyDocument", rules.document);
        parsePolicy(document, "identity");
        await mutate(deps, async (tx) => {
          const identity = await kind.get(tx, who);
          const inlinePolicies = { ...identity.inlinePolicies, [policyName]: document };
          if (Object.values(inlinePolicies).reduce((n, t) => n + nonWhitespace(t), 0) > kind.inlineBytes) {
            throw new AwsError("LimitExceeded", `Maximum policy size of ${kind.inlineBytes} bytes exceeded for ${lower} ${identity.name}`);
          }
          await kind.put(tx, { ...identity, inlinePolicies });
        });
        return {};
      },
    },
    [`Get${noun}Policy`]: {
      resource: kind.resource,
      handle: async (params) => {
        const who = required(params, nameParam, rules.name);
        const policyName = required(params, "PolicyName", rules.policyName);
        const identity = await deps.store.read((tx) => kind.get(tx, who));
        const document = Object.hasOwn(identity.inlinePolicies, policyName) ? identity.inlinePolicies[policyName] : undefined;
        if (document === undefined) throw noPolicy(policyName);
        return { [nameParam]: identity.name, PolicyName: policyName, PolicyDocument: encodeURIComponent(document) };
      },
    },
    [`Delete${noun}Policy`]: {
      resource: kind.resource,
      handle: async (params) => {
        const who = required(params, nameParam, rules.name);
        const policyName = required(params, "PolicyName", rules.policyName);
        await mutate(deps, async (tx) => {
          const identity = await kind.get(tx, who);
          if (!Object.hasOwn(identity.inlinePolicies, policyName)) throw noPolicy(policyName);
          const { [policyName]: _, ...rest } = identity.inlinePolicies;
          await kind.put(tx, { ...identity, inlinePolicies: rest });
        });
        return {};
      },
    },
    [`List${noun}Policies`]: {
      resource: kind.resource,
      handle: async (params) => {
        const who = required(params, nameParam, rules.name);
        const identity = await deps.store.read((tx) => kind.get(tx, who));
        return { PolicyNames: Object.keys(identity.inlinePolicies).sort(), IsTruncated: false };
      },
    },
  };
}
