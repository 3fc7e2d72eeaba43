import type { DeleteAccountSettingRequest, ListAccountSettingsRequest, PutAccountSettingDefaultRequest, PutAccountSettingRequest } from "@aws-sdk/client-ecs";
import { DeleteAccountSettingRequest$, ListAccountSettingsRequest$, PutAccountSettingDefaultRequest$, PutAccountSettingRequest$ } from "../../aws-sdk/ecs.js";
import { accountSettingName, checkedSetting, effectiveSettings, userSetting, type AccountSettingName } from "../../domain/account-settings.js";
import { iamRootArn, type Partition } from "../../domain/arn.js";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import type { ReadTx } from "../../state/store.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcsDeps } from "./deps.js";

/**
 * Account settings, stored per principal: PutAccountSetting sets the caller's (or, for root, any
 * principal's of the account), PutAccountSettingDefault the account's default (the root's, as in
 * ECS), ListAccountSettings lists what is set or, with `effectiveSettings`, what is in effect
 * (the principal's own, else the default, else ECS's `aws_managed` default), DeleteAccountSetting
 * forgets one.
 */
export function accountSettingOperations({ store }: EcsDeps): Record<string, Operation> {
  return {
    PutAccountSetting: operation<PutAccountSettingRequest>(PutAccountSettingRequest$, async (input, ctx) => {
      const { name, value } = checkedSetting(input.name ?? "", input.value ?? "");
      const principalArn = principalOf(input.principalArn, ctx);
      await store.write((tx) => tx.accountSettings.put({ principalArn, name, value }));
      return { setting: userSetting({ principalArn, name, value }) };
    }),

    PutAccountSettingDefault: operation<PutAccountSettingDefaultRequest>(PutAccountSettingDefaultRequest$, async (input, ctx) => {
      const { name, value } = checkedSetting(input.name ?? "", input.value ?? "");
      const principalArn = iamRootArn(ctx.partition);
      await store.write((tx) => tx.accountSettings.put({ principalArn, name, value }));
      return { setting: userSetting({ principalArn, name, value }) };
    }),

    ListAccountSettings: operation<ListAccountSettingsRequest>(ListAccountSettingsRequest$, async (input, ctx) => {
      const page = pageRequest(input, { defaultLimit: 10, maxLimit: 10 });
      const principalArn = principalOf(input.principalArn, ctx);
      const name = input.name === undefined ? undefined : accountSettingName(input.name);
      const rootArn = iamRootArn(ctx.partition);
      const [own, defaults] = await store.read(async (tx) => [await tx.accountSettings.ofPrincipal(principalArn), await tx.accountSettings.ofPrincipal(rootArn)]);
      const settings = (input.effectiveSettings ? effectiveSettings(principalArn, own, defaults) : own.map(userSetting))
        .filter((s) => (name === undefined || s.name === name) && (input.value === undefined || s.value === input.value))
        .filter((s) => page.after === undefined || (s.name ?? "") > page.after);
      const items = settings.slice(0, page.limit);
      return { settings: items, nextToken: settings.length > page.limit ? encodeToken(items.at(-1)?.name) : undefined };
    }),

    DeleteAccountSetting: operation<DeleteAccountSettingRequest>(DeleteAccountSettingRequest$, async (input, ctx) => {
      const name = accountSettingName(input.name ?? "");
      const principalArn = principalOf(input.principalArn, ctx);
      const gone = await store.write((tx) => tx.accountSettings.delete(principalArn, name));
      if (!gone) throw invalidParameter(`No ${name} account setting is set for ${principalArn}: there is nothing to delete.`);
      return { setting: userSetting(gone) };
    }),
  };
}

/** The value of a setting in effect for the caller: its own, the account's default, or ECS's. */
export async function accountSettingInEffect(tx: ReadTx, name: AccountSettingName, ctx: RequestContext): Promise<string> {
  const own = await tx.accountSettings.ofPrincipal(ctx.principal.arn);
  const defaults = await tx.accountSettings.ofPrincipal(iamRootArn(ctx.partition));
  return effectiveSettings(ctx.principal.arn, own, defaults).find((s) => s.name === name)?.value ?? "";
}

/** The principal a call names (an IAM root, user or role of this account), or the caller. */
function principalOf(given: string | undefined, ctx: RequestContext): string {
  if (given === undefined) return ctx.principal.arn;
  if (!isAccountPrincipal(given, ctx.partition)) {
    throw invalidParameter(`principalArn '${excerpt(given)}' is not an IAM user, role or root of account ${ctx.partition.accountId}.`);
  }
  return given;
}

const isAccountPrincipal = (arn: string, p: Partition): boolean => new RegExp(`^arn:aws:iam::${p.accountId}:(root|user/[\\w+=,.@/-]{1,512}|role/[\\w+=,.@/-]{1,512})$`).test(arn);
