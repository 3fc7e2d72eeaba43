import type { PutParameterRequest } from "@aws-sdk/client-ssm";
import { PutParameterRequest$ } from "../../aws-sdk/ssm.js";
import { AwsError } from "../../errors/catalog.js";
import { ParameterConflictError } from "../../state/parameter-records.js";
import { operation, type Operation } from "../aws-json/service.js";
import { checkAllowedPattern } from "./allowed-pattern.js";
import type { SsmDeps } from "./deps.js";
import { checkNewName } from "./names.js";
import { decidePut, putLimits } from "./put-rules.js";
import { ParameterValues } from "./values.js";

/**
 * PutParameter: the facts are read, the version decided (put-rules.ts), then saved only over the
 * version read: a concurrent PutParameter of the same name that saved first makes this one
 * TooManyUpdates, as Parameter Store answers concurrent updates of one parameter.
 */
export function putOperation({ store, box }: SsmDeps): Record<string, Operation> {
  const values = new ParameterValues(box);
  return {
    PutParameter: operation<PutParameterRequest>(PutParameterRequest$, async (input, ctx) => {
      const name = checkNewName(input.Name ?? "", ctx.partition);
      const facts = await store.read(async (tx) => {
        const current = await tx.parameters.get(name);
        const oldest = current && current.version >= putLimits.versionsKept ? await tx.parameters.version(name, current.version + 1 - putLimits.versionsKept) : undefined;
        const counts = { Standard: await tx.parameters.count("Standard"), Advanced: await tx.parameters.count("Advanced") };
        return { current, oldestKeptLabelled: (oldest?.labels.length ?? 0) > 0, counts };
      });
      const decided = decidePut(name, input, { ...facts, nowMs: ctx.nowMs, caller: ctx.principal.arn, checkPattern: checkAllowedPattern });
      const sealed = values.seal(decided.version);
      try {
        await store.write((tx) => tx.parameters.put(sealed, { tags: decided.tags, keep: putLimits.versionsKept }));
      } catch (e) {
        if (!(e instanceof ParameterConflictError)) throw e;
        throw new AwsError("TooManyUpdates", `Another request saved ${name} at the same time: read it again and retry.`);
      }
      return { Version: sealed.version, Tier: sealed.tier };
    }),
  };
}
