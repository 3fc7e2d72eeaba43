import type { Setting, SettingName } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";
import type { AccountSettingRecord } from "../state/store.js";

/**
 * ECS account settings: the names of ECS's model, the values each takes, and the value a principal
 * has when neither it nor the account's default (the root principal's setting) says otherwise:
 * ECS's own defaults for a new account (`type: "aws_managed"`).
 */
export const accountSettingValues = {
  serviceLongArnFormat: ["enabled", "disabled"],
  taskLongArnFormat: ["enabled", "disabled"],
  containerInstanceLongArnFormat: ["enabled", "disabled"],
  awsvpcTrunking: ["enabled", "disabled"],
  containerInsights: ["enabled", "disabled", "enhanced"],
  fargateFIPSMode: ["enabled", "disabled"],
  fargateTaskRetirementWaitPeriod: ["0", "7", "14"],
  fargateEventWindows: ["enabled", "disabled"],
  tagResourceAuthorization: ["on", "off", "enabled", "disabled"],
  guardDutyActivate: ["enabled", "disabled"],
  defaultLogDriverMode: ["blocking", "non-blocking"],
} as const satisfies Record<SettingName, readonly string[]>;

export type AccountSettingName = SettingName;

const awsDefaults: Record<AccountSettingName, string> = {
  serviceLongArnFormat: "enabled",
  taskLongArnFormat: "enabled",
  containerInstanceLongArnFormat: "enabled",
  awsvpcTrunking: "disabled",
  containerInsights: "disabled",
  fargateFIPSMode: "disabled",
  fargateTaskRetirementWaitPeriod: "7",
  fargateEventWindows: "disabled",
  tagResourceAuthorization: "on",
  guardDutyActivate: "disabled",
  defaultLogDriverMode: "non-blocking",
};

/** Settings ECS sets by itself, which no principal may change (Runtime Monitoring is GuardDuty's). */
const readOnly: ReadonlySet<string> = new Set(["guardDutyActivate"]);

const isName = (name: string): name is AccountSettingName => Object.hasOwn(accountSettingValues, name);

/** The setting name, checked: one of ECS's names. */
export function accountSettingName(name: string): AccountSettingName {
  if (!isName(name)) throw invalidParameter(`'${excerpt(name)}' is not an account setting name: use one of ${Object.keys(accountSettingValues).join(", ")}.`);
  return name;
}

/** A setting a principal may put: a name ECS lets principals change, and a value that name takes. */
export function checkedSetting(name: string, value: string): { name: AccountSettingName; value: string } {
  const checked = accountSettingName(name);
  if (readOnly.has(checked)) throw invalidParameter(`The ${checked} account setting is read-only: it is set by ECS, not by PutAccountSetting.`);
  const values: readonly string[] = accountSettingValues[checked];
  if (!values.includes(value)) throw invalidParameter(`'${excerpt(value)}' is not a value of ${checked}: use one of ${values.join(", ")}.`);
  return { name: checked, value };
}

/** A stored setting as ECS returns it. */
export const userSetting = (r: AccountSettingRecord): Setting => ({ name: isName(r.name) ? r.name : undefined, value: r.value, principalArn: r.principalArn, type: "user" });

/**
 * The settings in effect for `principalArn`, by name: its own, else the account's default (the
 * root's), else ECS's default (`aws_managed`, named for the root principal).
 */
export function effectiveSettings(principalArn: string, own: readonly AccountSettingRecord[], defaults: readonly AccountSettingRecord[]): Setting[] {
  return (Object.keys(accountSettingValues) as AccountSettingName[]).sort().map((name) => {
    const set = own.find((s) => s.name === name) ?? defaults.find((s) => s.name === name);
    return set ? userSetting(set) : { name, value: awsDefaults[name], principalArn, type: "aws_managed" };
  });
}
