import { generateAccessKey } from "../../auth/credentials-file.js";
import { groupsOf } from "../../auth/iam-directory.js";
import { iamArn, type Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { iamKey, type IamUserRecord } from "../../state/iam-records.js";
import type { ReadTx } from "../../state/store.js";
import type { QueryContext, QueryOperation } from "../aws-query/service.js";
import { checkBoundaryPolicy } from "./boundary-policy.js";
import { iamId, mutate, type IamDeps } from "./deps.js";
import { optional, optionalInt, optionalTags, required, rules } from "./params.js";
import { accessKeyMetadataView, paged, userView } from "./views.js";

/** IAM: "Cannot exceed quota for AccessKeysPerUser: 2". */
const accessKeysPerUser = 2;

const noUser = (name: string) => new AwsError("NoSuchEntity", `The user with name ${name} cannot be found.`);

export async function getUser(tx: ReadTx, name: string): Promise<IamUserRecord> {
  const user = await tx.iam.users.get(iamKey(name));
  if (!user) throw noUser(name);
  return user;
}

/** The user an access-key call is about: `UserName`, or the calling IAM user itself, as IAM reads it. */
function userNameOf(params: Readonly<Record<string, unknown>>, ctx: QueryContext): string {
  const name = optional(params, "UserName", rules.name);
  if (name !== undefined) return name;
  if (ctx.principal.kind === "user") return ctx.principal.userName;
  throw new AwsError("ValidationException", "UserName is required: Berth's root credential is not an IAM user and has no access keys of its own to manage here.");
}

/** The user ARN IAM names as the resource of a call about `UserName` (the caller's own when absent). */
export const userResource = (params: Readonly<Record<string, unknown>>, p: Partition): string =>
  iamArn(p, "user", typeof params.Path === "string" ? params.Path : "/", typeof params.UserName === "string" ? params.UserName : "*");

export function userOperations(deps: IamDeps): Record<string, QueryOperation> {
  const { partition } = deps;
  return {
    CreateUser: {
      resource: userResource,
      handle: async (params, ctx) => {
        const userName = required(params, "UserName", rules.name);
        const path = optional(params, "Path", rules.path) ?? "/";
        const tags = optionalTags(params);
        const permissionsBoundary = optional(params, "PermissionsBoundary", rules.arn);
        const user: IamUserRecord = {
          userName,
          userId: iamId("AIDA"),
          arn: iamArn(partition, "user", path, userName),
          path,
          createdAtMs: ctx.nowMs,
          tags,
          inlinePolicies: {},
          attachedPolicies: [],
          permissionsBoundary,
        };
        await mutate(deps, async (tx) => {
          if (permissionsBoundary !== undefined) await checkBoundaryPolicy(tx, permissionsBoundary);
          if (await tx.iam.users.get(iamKey(userName))) throw new AwsError("EntityAlreadyExists", `User with name ${userName} already exists.`);
          await tx.iam.users.put(iamKey(userName), user);
        });
        return { User: userView(user, true) };
      },
    },
    GetUser: {
      resource: userResource,
      handle: async (params, ctx) => {
        const user = await deps.store.read((tx) => getUser(tx, userNameOf(params, ctx)));
        return { User: userView(user, true) };
      },
    },
    ListUsers: {
      handle: async (params) => {
        const prefix = optional(params, "PathPrefix", rules.path) ?? "/";
        const users = (await deps.store.read((tx) => tx.iam.users.list())).filter((u) => u.path.startsWith(prefix));
        const { page, IsTruncated, Marker } = paged(users, params, (u) => iamKey(u.userName), optionalInt(params, "MaxItems", 1, 1000));
        return { Users: page.map((u) => userView(u)), IsTruncated, Marker };
      },
    },
    DeleteUser: {
      resource: userResource,
      handle: async (params) => {
        const userName = required(params, "UserName", rules.name);
        await mutate(deps, async (tx) => {
          const user = await getUser(tx, userName);
          if ((await tx.iam.accessKeysOf(user.userName)).length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must delete access keys first.");
          if (Object.keys(user.inlinePolicies).length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
          if ((await groupsOf(tx.iam, user.userName)).length > 0) {
            throw new AwsError("DeleteConflict", "Cannot delete entity, must remove user from all groups first.");
          }
          if (user.attachedPolicies.length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
          await tx.iam.users.delete(iamKey(userName));
        });
        return {};
      },
    },
    CreateAccessKey: {
      resource: userResource,
      handle: async (params, ctx) => {
        const userName = userNameOf(params, ctx);
        const key = generateAccessKey();
        const record = await mutate(deps, async (tx) => {
          const user = await getUser(tx, userName);
          if ((await tx.iam.accessKeysOf(user.userName)).length >= accessKeysPerUser) {
            throw new AwsError("LimitExceeded", `Cannot exceed quota for AccessKeysPerUser: ${accessKeysPerUser}`);
          }
          const r = { accessKeyId: key.accessKeyId, sealedSecret: deps.box.seal(key.secretAccessKey), status: "Active" as const, createdAtMs: ctx.nowMs, owner: { kind: "user" as const, userName: user.userName } };
          await tx.iam.putAccessKey(r);
          return r;
        });
        // The only time the secret leaves the server: IAM shows it once, at creation.
        return { AccessKey: { ...accessKeyMetadataView(record, userName), SecretAccessKey: key.secretAccessKey } };
      },
    },
    ListAccessKeys: {
      resource: userResource,
      handle: async (params, ctx) => {
        const userName = userNameOf(params, ctx);
        const keys = await deps.store.read(async (tx) => tx.iam.accessKeysOf((await getUser(tx, userName)).userName));
        return { AccessKeyMetadata: keys.map((k) => accessKeyMetadataView(k, userName)), IsTruncated: false };
      },
    },
    UpdateAccessKey: {
      resource: userResource,
      handle: async (params, ctx) => {
        const userName = userNameOf(params, ctx);
        const accessKeyId = required(params, "AccessKeyId", rules.accessKeyId);
        const status = required(params, "Status", { min: 1, max: 8 });
        if (status !== "Active" && status !== "Inactive") {
          throw new AwsError("ValidationException", `1 validation error detected: Value '${status.slice(0, 8)}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
        }
        await mutate(deps, async (tx) => {
          const key = await ownKey(tx, userName, accessKeyId);
          await tx.iam.putAccessKey({ ...key, status });
        });
        return {};
      },
    },
    DeleteAccessKey: {
      resource: userResource,
      handle: async (params, ctx) => {
        const userName = userNameOf(params, ctx);
        const accessKeyId = required(params, "AccessKeyId", rules.accessKeyId);
        await mutate(deps, async (tx) => {
          await ownKey(tx, userName, accessKeyId);
          await tx.iam.deleteAccessKey(accessKeyId);
        });
        return {};
      },
    },
  };
}

async function ownKey(tx: ReadTx, userName: string, accessKeyId: string) {
  const user = await getUser(tx, userName);
  const key = await tx.iam.accessKey(accessKeyId);
  if (!key || key.owner.kind !== "user" || iamKey(key.owner.userName) !== iamKey(user.userName)) {
    throw new AwsError("NoSuchEntity", `The Access Key with id ${accessKeyId} cannot be found.`);
  }
  return key;
}
