import type { SecretBox } from "../../auth/secret-box.js";
import type { Store } from "../../state/store.js";

export interface SsmDeps {
  readonly store: Store;
  /** The server's box (`<data-dir>/iam-key`): SecureString values are sealed with it at rest. */
  readonly box: SecretBox;
}
