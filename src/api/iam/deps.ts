import { randomBytes } from "node:crypto";
import type { IamDirectory } from "../../auth/iam-directory.js";
import type { SecretBox } from "../../auth/secret-box.js";
import type { Partition } from "../../domain/arn.js";
import type { WriteTx, Store } from "../../state/store.js";

/** What the IAM and STS handlers need. */
export interface IamDeps {
  readonly store: Store;
  readonly directory: IamDirectory;
  readonly box: SecretBox;
  readonly partition: Partition;
}

/** An IAM write: one store transaction, after which cached principals are recompiled. */
export async function mutate<T>(deps: IamDeps, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
  try {
    return await deps.store.write(fn);
  } finally {
    deps.directory.changed();
  }
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** IAM's unique ids: a four-letter prefix by kind (`AIDA` users, `AGPA` groups, `AROA` roles, `ANPA` policies, `ASIA` session keys) and random characters. */
export const iamId = (prefix: "AIDA" | "AGPA" | "AROA" | "ANPA" | "ASIA", length = 17): string =>
  prefix + Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join("");
