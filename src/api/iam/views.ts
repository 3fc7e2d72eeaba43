import type { IamAccessKeyRecord, IamGroupRecord, IamManagedPolicyRecord, IamPolicyVersionRecord, IamRoleRecord, IamUserRecord } from "../../state/iam-records.js";

/**
 * IAM's response shapes (botocore's iam model: User, Group, Role, Policy, PolicyVersion, AccessKeyMetadata).
 * Policy documents go out URL-encoded, as IAM sends them (the AWS CLI decodes them).
 */

const tagsOf = (tags: readonly { Key: string; Value: string }[]) => (tags.length > 0 ? tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined);

const boundaryView = (arn: string | undefined) => (arn === undefined ? undefined : { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn });

export const userView = (u: IamUserRecord, withTags = false) => ({
  Path: u.path,
  UserName: u.userName,
  UserId: u.userId,
  Arn: u.arn,
  CreateDate: new Date(u.createdAtMs),
  PermissionsBoundary: withTags ? boundaryView(u.permissionsBoundary) : undefined,
  Tags: withTags ? tagsOf(u.tags) : undefined,
});

export const groupView = (g: IamGroupRecord) => ({
  Path: g.path,
  GroupName: g.groupName,
  GroupId: g.groupId,
  Arn: g.arn,
  CreateDate: new Date(g.createdAtMs),
});

export const roleView = (r: IamRoleRecord, withTags = false) => ({
  Path: r.path,
  RoleName: r.roleName,
  RoleId: r.roleId,
  Arn: r.arn,
  CreateDate: new Date(r.createdAtMs),
  AssumeRolePolicyDocument: encodeURIComponent(r.assumeRolePolicyDocument),
  Description: r.description,
  MaxSessionDuration: r.maxSessionDurationS,
  PermissionsBoundary: withTags ? boundaryView(r.permissionsBoundary) : undefined,
  Tags: withTags ? tagsOf(r.tags) : undefined,
});

export const policyView = (p: IamManagedPolicyRecord, attachmentCount: number, boundaryUsageCount = 0) => ({
  PolicyName: p.policyName,
  PolicyId: p.policyId,
  Arn: p.arn,
  Path: p.path,
  DefaultVersionId: p.defaultVersionId,
  AttachmentCount: attachmentCount,
  PermissionsBoundaryUsageCount: boundaryUsageCount,
  IsAttachable: true,
  Description: p.description,
  CreateDate: new Date(p.createdAtMs),
  UpdateDate: new Date(p.updatedAtMs),
});

export const versionView = (p: IamManagedPolicyRecord, v: IamPolicyVersionRecord) => ({
  Document: encodeURIComponent(v.document),
  VersionId: v.versionId,
  IsDefaultVersion: v.versionId === p.defaultVersionId,
  CreateDate: new Date(v.createdAtMs),
});

export const accessKeyMetadataView = (k: IamAccessKeyRecord, userName: string) => ({
  UserName: userName,
  AccessKeyId: k.accessKeyId,
  Status: k.status,
  CreateDate: new Date(k.createdAtMs),
});

/** IAM's Marker/MaxItems paging over a list in name order; the marker is the last name returned. */
export function paged<T>(items: readonly T[], params: Readonly<Record<string, unknown>>, key: (t: T) => string, maxItems: number | undefined) {
  const marker = typeof params.Marker === "string" ? params.Marker : undefined;
  const from = marker === undefined ? items : items.filter((t) => key(t) > marker);
  const limit = maxItems ?? 100;
  const page = from.slice(0, limit);
  const truncated = from.length > limit;
  return { page, IsTruncated: truncated, Marker: truncated ? key(page[page.length - 1]!) : undefined };
}
