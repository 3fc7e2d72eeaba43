import type { GetRandomPasswordRequest } from "@aws-sdk/client-secrets-manager";
import { GetRandomPasswordRequest$ } from "../../aws-sdk/secrets-manager.js";
import { defaultPasswordOptions as d, randomPassword } from "../../domain/secrets/password.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import { checkLength, invalidMember } from "./checks.js";
import type { SecretsManagerDeps } from "./deps.js";

/** GetRandomPassword: a password from the server's cryptographic randomness, stored nowhere. */
export function passwordOperation({ randomInt }: SecretsManagerDeps): Record<string, Operation> {
  return {
    GetRandomPassword: operation<GetRandomPasswordRequest>(GetRandomPasswordRequest$, (input) => {
      const length = input.PasswordLength ?? d.length;
      if (length < 1 || length > 4096) throw invalidMember("passwordLength", length < 1 ? "Member must have value greater than or equal to 1" : "Member must have value less than or equal to 4096", String(length));
      const password = randomPassword(
        {
          length,
          excludeCharacters: checkLength(input.ExcludeCharacters ?? d.excludeCharacters, "excludeCharacters", 0, 4096),
          excludeNumbers: input.ExcludeNumbers ?? d.excludeNumbers,
          excludePunctuation: input.ExcludePunctuation ?? d.excludePunctuation,
          excludeUppercase: input.ExcludeUppercase ?? d.excludeUppercase,
          excludeLowercase: input.ExcludeLowercase ?? d.excludeLowercase,
          includeSpace: input.IncludeSpace ?? d.includeSpace,
          requireEachIncludedType: input.RequireEachIncludedType ?? d.requireEachIncludedType,
        },
        randomInt,
      );
      return typeof password === "string" ? Promise.resolve({ RandomPassword: password }) : Promise.reject(new AwsError("InvalidParameterException", password.problem));
    }),
  };
}
