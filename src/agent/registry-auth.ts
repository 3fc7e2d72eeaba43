import type Docker from "dockerode";
import { DockerError } from "./docker/errors.js";

/**
 * Credentials for pulling from the Berth server's own registry, the way the ECS agent pulls from
 * ECR: it asks ECR's GetAuthorizationToken with its own credentials and hands Docker `AWS` and the
 * password. Images from any other registry are pulled without credentials.
 */

/** What GetAuthorizationToken answered: base64 `AWS:<password>` and when it stops working. */
export interface AuthorizationData {
  readonly authorizationToken: string;
  readonly expiresAtMs: number;
}

export interface RegistryAuthOptions {
  /** The Berth server's URL (ECS_BACKEND_HOST): its host:port is the registry's. */
  readonly endpoint: string;
  /** Calls GetAuthorizationToken (the ECR API with the agent's credentials). */
  readonly getAuthorizationToken: () => Promise<AuthorizationData>;
  readonly now: () => number;
}

/** A token is renewed this long before it expires, so that a long pull does not outlive it. */
const renewBeforeMs = 30 * 60_000;

/**
 * The registry part of an image reference as Docker reads it: the first path component when it
 * looks like a host (has a `.` or a `:`, or is `localhost`); otherwise Docker Hub (undefined).
 */
export function registryOf(image: string): string | undefined {
  const slash = image.indexOf("/");
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : undefined;
}

/** Decodes `authorizationToken` into Docker's credentials for `serveraddress`. */
export function dockerAuth(authorizationToken: string, serveraddress: string): Docker.AuthConfig {
  const text = Buffer.from(authorizationToken, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0) throw new Error("the authorization token is not base64 of user:password");
  return { username: text.slice(0, colon), password: text.slice(colon + 1), serveraddress };
}

/** Hands out Docker credentials for Berth's registry, with one cached token renewed before it expires. */
export class RegistryAuth {
  readonly #host: string;
  #cached?: { data: AuthorizationData; auth: Docker.AuthConfig };

  constructor(private readonly opts: RegistryAuthOptions) {
    this.#host = new URL(opts.endpoint).host;
  }

  /** Credentials for pulling `image`; undefined when it is not in Berth's registry. */
  async authFor(image: string): Promise<Docker.AuthConfig | undefined> {
    if (registryOf(image) !== this.#host) return undefined;
    const cached = this.#cached;
    if (cached && this.opts.now() < cached.data.expiresAtMs - renewBeforeMs) return cached.auth;
    try {
      const data = await this.opts.getAuthorizationToken();
      const auth = dockerAuth(data.authorizationToken, this.#host);
      this.#cached = { data, auth };
      return auth;
    } catch (err) {
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new DockerError("CannotPullContainerError", `failed to get a registry authorization token for ${image} from ${this.opts.endpoint}: ${why}`, { cause: err });
    }
  }
}
