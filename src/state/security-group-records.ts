import type { SecurityGroupRecord } from "../domain/security-groups/security-group.js";

/** EC2 security groups as the store keeps them (migration 17): one document per group, its name unique. */
export interface SecurityGroupReader {
  get(groupId: string): Promise<SecurityGroupRecord | undefined>;
  byName(groupName: string): Promise<SecurityGroupRecord | undefined>;
  /** Every group, ordered by id (an account has a few hundred at most, as EC2 limits them). */
  list(): Promise<SecurityGroupRecord[]>;
}

export interface SecurityGroupRepository extends SecurityGroupReader {
  /** Saves version 1 as a new group (a taken id or name throws), version n + 1 only over version n; otherwise throws SecurityGroupConflictError. */
  put(record: SecurityGroupRecord): Promise<void>;
  delete(groupId: string): Promise<void>;
}

export class SecurityGroupConflictError extends Error {
  override readonly name = "SecurityGroupConflictError";
  constructor(readonly group: string) {
    super(`security group ${group} was saved by another writer, or its name is taken`);
  }
}
