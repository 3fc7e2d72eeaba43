import type { SecretBox } from "../../auth/secret-box.js";
import type { Store } from "../../state/store.js";

export interface SecretsManagerDeps {
  readonly store: Store;
  /** The server's one key for what must not be readable from a copy of the database: secret values are sealed with it. */
  readonly box: SecretBox;
  /** A whole number below `n`, from a cryptographic source: passwords and ARN suffixes. */
  readonly randomInt: (n: number) => number;
}
