import type { Registry } from "../../registry/registry.js";
import type { Replicator } from "../../registry/replication/replicator.js";

/** What the ECR handlers are given. */
export interface EcrDeps {
  readonly registry: Registry;
  /**
   * `host:port` at which clients reach the registry (the server's own endpoint): repository URIs
   * and GetAuthorizationToken's proxyEndpoint. A function because it is known once the server listens.
   */
  readonly registryAddress: () => string;
  /** The key that signs registry passwords (`registry/auth-token.ts`). */
  readonly tokenSecret: Buffer;
  /** Copies pushed images to other regions and knows where each copy stands. */
  readonly replicator: Replicator;
}
