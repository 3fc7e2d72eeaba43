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
  /** The Berth server's URLs (ECS_BACKEND_HOST): each one's host:port is the registry's. */
  readonly endpoints: readonly string[];
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

/**
 * Hands out Docker credentials for Berth's registry, with one cached token renewed before it
 * expires. Replicas share one database, so a token from any of them is good at every one's host.
 */
export class RegistryAuth {
  readonly #hosts: ReadonlySet<string>;
  #cached?: AuthorizationData;

  constructor(private readonly opts: RegistryAuthOptions) {
    this.#hosts = new Set(opts.endpoints.map((e) => new URL(e).host));
  }

  /** Credentials for pulling `image`; undefined when it is not in Berth's registry. */
  async authFor(image: string): Promise<Docker.AuthConfig | undefined> {
    const host = registryOf(image);
    if (host === undefined || !this.#hosts.has(host)) return undefined;
    const cached = this.#cached;
    if (cached && this.opts.now() < cached.expiresAtMs - renewBeforeMs) return dockerAuth(cached.authorizationToken, host);
    try {
      const data = await this.opts.getAuthorizationToken();
      const auth = dockerAuth(data.authorizationToken, host);
      this.#cached = data;
      return auth;
    } catch (err) {
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new DockerError("CannotPullContainerError", `failed to get a registry authorization token for ${image} from ${host}: ${why}`, { cause: err });
    }
  }
}
