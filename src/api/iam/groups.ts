import { iamArn, type Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { groupsOf } from "../../auth/iam-directory.js";
import { iamKey, type IamGroupRecord } from "../../state/iam-records.js";
import type { ReadTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import { iamId, mutate, type IamDeps } from "./deps.js";
import { optional, optionalInt, required, rules } from "./params.js";
import { getUser, userResource } from "./users.js";
import { groupView, paged, userView } from "./views.js";

/** IAM: "Cannot exceed quota for GroupsPerUser: 10". */
const groupsPerUser = 10;

export async function getGroup(tx: ReadTx, name: string): Promise<IamGroupRecord> {
  const group = await tx.iam.groups.get(iamKey(name));
  if (!group) throw new AwsError("NoSuchEntity", `The group with name ${name} cannot be found.`);
  return group;
}

/** The group ARN IAM names as the resource of a call about `GroupName`. */
export const groupResource = (params: Readonly<Record<string, unknown>>, p: Partition): string =>
  iamArn(p, "group", typeof params.Path === "string" ? params.Path : "/", typeof params.GroupName === "string" ? params.GroupName : "*");

/**
 * IAM groups: a user's groups' policies (inline and attached, `inline-policies.ts` and
 * `managed-policies.ts` with the Group kind) count in what the user may do (auth/iam-directory.ts).
 * Membership lives on the group; every write goes through `mutate`, so cached principals are recompiled.
 */
export function groupOperations(deps: IamDeps): Record<string, QueryOperation> {
  const { partition } = deps;
  return {
    CreateGroup: {
      resource: groupResource,
      handle: async (params, ctx) => {
        const groupName = required(params, "GroupName", rules.name);
        const path = optional(params, "Path", rules.path) ?? "/";
        const group: IamGroupRecord = {
          groupName,
          groupId: iamId("AGPA"),
          arn: iamArn(partition, "group", path, groupName),
          path,
          createdAtMs: ctx.nowMs,
          tags: [],
          inlinePolicies: {},
          attachedPolicies: [],
          members: [],
        };
        await mutate(deps, async (tx) => {
          if (await tx.iam.groups.get(iamKey(groupName))) throw new AwsError("EntityAlreadyExists", `Group with name ${groupName} already exists.`);
          await tx.iam.groups.put(iamKey(groupName), group);
        });
        return { Group: groupView(group) };
      },
    },
    GetGroup: {
      resource: groupResource,
      handle: async (params) => {
        const groupName = required(params, "GroupName", rules.name);
        const { group, users } = await deps.store.read(async (tx) => {
          const group = await getGroup(tx, groupName);
          const users = await Promise.all(group.members.map((m) => tx.iam.users.get(iamKey(m))));
          return { group, users: users.filter((u) => u !== undefined).sort((a, b) => (iamKey(a.userName) < iamKey(b.userName) ? -1 : 1)) };
        });
        const { page, IsTruncated, Marker } = paged(users, params, (u) => iamKey(u.userName), optionalInt(params, "MaxItems", 1, 1000));
        return { Group: groupView(group), Users: page.map((u) => userView(u)), IsTruncated, Marker };
      },
    },
    ListGroups: {
      handle: async (params) => {
        const prefix = optional(params, "PathPrefix", rules.path) ?? "/";
        const groups = (await deps.store.read((tx) => tx.iam.groups.list())).filter((g) => g.path.startsWith(prefix));
        const { page, IsTruncated, Marker } = paged(groups, params, (g) => iamKey(g.groupName), optionalInt(params, "MaxItems", 1, 1000));
        return { Groups: page.map(groupView), IsTruncated, Marker };
      },
    },
    DeleteGroup: {
      resource: groupResource,
      handle: async (params) => {
        const groupName = required(params, "GroupName", rules.name);
        await mutate(deps, async (tx) => {
          const group = await getGroup(tx, groupName);
          if (group.members.length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must remove users from group first.");
          if (Object.keys(group.inlinePolicies).length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
          if (group.attachedPolicies.length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
          await tx.iam.groups.delete(iamKey(groupName));
        });
        return {};
      },
    },
    AddUserToGroup: {
      resource: groupResource,
      handle: async (params) => {
        const groupName = required(params, "GroupName", rules.name);
        const userName = required(params, "UserName", rules.name);
        await mutate(deps, async (tx) => {
          const group = await getGroup(tx, groupName);
          const user = await getUser(tx, userName);
          if (group.members.some((m) => iamKey(m) === iamKey(user.userName))) return;
          if ((await groupsOf(tx.iam, user.userName)).length >= groupsPerUser) throw new AwsError("LimitExceeded", `Cannot exceed quota for GroupsPerUser: ${groupsPerUser}`);
          await tx.iam.groups.put(iamKey(group.groupName), { ...group, members: [...group.members, user.userName] });
        });
        return {};
      },
    },
    RemoveUserFromGroup: {
      resource: groupResource,
      handle: async (params) => {
        const groupName = required(params, "GroupName", rules.name);
        const userName = required(params, "UserName", rules.name);
        await mutate(deps, async (tx) => {
          const group = await getGroup(tx, groupName);
          const user = await getUser(tx, userName);
          const members = group.members.filter((m) => iamKey(m) !== iamKey(user.userName));
          if (members.length === group.members.length) throw new AwsError("NoSuchEntity", `The user with name ${user.userName} is not a member of group ${group.groupName}.`);
          await tx.iam.groups.put(iamKey(group.groupName), { ...group, members });
        });
        return {};
      },
    },
    ListGroupsForUser: {
      resource: userResource,
      handle: async (params) => {
        const userName = required(params, "UserName", rules.name);
        const groups = await deps.store.read(async (tx) => groupsOf(tx.iam, (await getUser(tx, userName)).userName));
        const { page, IsTruncated, Marker } = paged(groups, params, (g) => iamKey(g.groupName), optionalInt(params, "MaxItems", 1, 1000));
        return { Groups: page.map(groupView), IsTruncated, Marker };
      },
    },
  };
}
