import type { GetAccountSettingRequest, PutAccountSettingRequest } from "@aws-sdk/client-ecr";
import { GetAccountSettingRequest$, PutAccountSettingRequest$ } from "../../aws-sdk/ecr.js";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcrDeps } from "./deps.js";

/**
 * ECR's account settings, each with its values and the value a new registry has. Stored and
 * returned per region, as ECR keeps them. BASIC_SCAN_TYPE_VERSION changes nothing (Berth has no
 * scanner); REGISTRY_POLICY_SCOPE will matter when registry policies are enforced.
 */
const settings: Readonly<Record<string, { readonly values: readonly string[]; readonly initial: string }>> = {
  BASIC_SCAN_TYPE_VERSION: { values: ["AWS_NATIVE", "CLAIR"], initial: "AWS_NATIVE" },
  REGISTRY_POLICY_SCOPE: { values: ["V1", "V2"], initial: "V2" },
};

function settingOf(name: string | undefined) {
  const setting = name !== undefined && Object.hasOwn(settings, name) ? settings[name] : undefined;
  if (setting === undefined) throw invalidParameter(`Invalid parameter at 'name': '${excerpt(name ?? "", 64)}' is not an account setting Berth knows; use one of ${Object.keys(settings).join(", ")}.`);
  return { name: name ?? "", ...setting };
}

/** GetAccountSetting and PutAccountSetting. */
export function accountSettingOperations({ registry }: EcrDeps): Record<string, Operation> {
  return {
    GetAccountSetting: operation<GetAccountSettingRequest>(GetAccountSettingRequest$, async (input) => {
      const setting = settingOf(input.name);
      const value = await registry.metadata.getRegistrySetting(`account-setting:${setting.name}`);
      return { name: setting.name, value: value ?? setting.initial };
    }),

    PutAccountSetting: operation<PutAccountSettingRequest>(PutAccountSettingRequest$, async (input) => {
      const setting = settingOf(input.name);
      const value = input.value ?? "";
      if (!setting.values.includes(value)) throw invalidParameter(`Invalid parameter at 'value': ${setting.name} takes ${setting.values.join(" or ")}, not '${excerpt(value, 64)}'.`);
      await registry.metadata.setRegistrySetting(`account-setting:${setting.name}`, value);
      return { name: setting.name, value };
    }),
  };
}
