import type { GetAuthorizationTokenRequest } from "@aws-sdk/client-ecr";
import { GetAuthorizationTokenRequest$ } from "../../aws-sdk/ecr.js";
import { authorizationToken, issuePassword, tokenLifetimeMs } from "../../registry/auth-token.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import type { EcrDeps } from "./deps.js";

/**
 * GetAuthorizationToken: a password for `docker login -u AWS` that the `/v2/` API accepts until it
 * expires 12 hours later. It is signed, not stored (`registry/auth-token.ts`). The proxy endpoint
 * is plain HTTP: Docker treats registries on 127.0.0.0/8 as insecure by default, so that works
 * locally without TLS; anything else needs Docker's `insecure-registries` or a TLS proxy in front.
 * The password names the caller, whom the registry charges for upload sessions.
 */
/**
 * The id of the principal a registry password is issued to: its ARN, which stays the same when an
 * agent's credential is reissued, so that its upload sessions stay its own.
 */
export const registryPrincipalOf = (ctx: RequestContext): string => ctx.principal.arn;

export function authorizationOperations({ tokenSecret, registryAddress }: EcrDeps): Record<string, Operation> {
  return {
    GetAuthorizationToken: operation<GetAuthorizationTokenRequest>(GetAuthorizationTokenRequest$, (_input, ctx) => {
      const expiresAtMs = ctx.nowMs + tokenLifetimeMs;
      return Promise.resolve({
        authorizationData: [
          {
            authorizationToken: authorizationToken(issuePassword(tokenSecret, expiresAtMs, registryPrincipalOf(ctx), ctx.partition.region)),
            expiresAt: new Date(expiresAtMs),
            proxyEndpoint: `http://${registryAddress()}`,
          },
        ],
      });
    }),
  };
}
