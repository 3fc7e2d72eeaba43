import { downloadSignatureParam } from "./download-url.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { appendChunk, cancelUpload, completeUpload, deleteBlob, getBlob, startUpload, uploadStatus } from "./blob-handlers.js";
import { basicCredentials, send, sendJson, type RequestContext } from "./http-io.js";
import { catalog, deleteManifest, getManifest, listTags, putManifest } from "./manifest-handlers.js";
import { isValidRepositoryName } from "./names.js";
import { OciError } from "./oci-errors.js";
import type { Registry } from "./registry.js";
import { registryAction, type RegistryAction } from "./registry-actions.js";
import { listReferrers } from "./referrers-handler.js";
import { parseRoute, type Route } from "./routes.js";

export interface DistributionApiOptions {
  readonly registry: Registry;
  /**
   * Checks Basic credentials (docker sends user `AWS` and the password from GetAuthorizationToken):
   * the id of the principal they belong to, or undefined to refuse them. Upload sessions are
   * charged to that principal.
   */
  readonly authenticate: (username: string, password: string) => Promise<string | undefined>;
  /** The principal a GetDownloadUrlForLayer URL names, if valid for that blob (`download-url.ts`); absent: no presigned URLs. */
  readonly checkDownload?: ((token: string, repository: string, digest: string) => string | undefined) | undefined;
  /**
   * IAM's decision for the principal (as `authenticate` named it) on the request's action
   * (registry-actions.ts): undefined to allow, or the refusal's message (sent as 403 DENIED).
   */
  readonly authorize?: (principal: string, access: RegistryAction, req: IncomingMessage) => Promise<string | undefined>;
  /** The account id ECR names in its messages. */
  readonly registryId: string;
  readonly realm?: string;
  /** Told about failures that are the server's fault (500s); the handler still answers the client. */
  readonly onError?: (error: unknown, req: IncomingMessage) => void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The OCI distribution API (`/v2/…`): docker push/pull, skopeo, crane. Every request, reads included,
 * needs Basic credentials that `authenticate` accepts. Mount it on the server for paths under `/v2/`.
 */
export function createDistributionHandler(options: DistributionApiOptions): RequestHandler {
  const realm = options.realm ?? "Berth registry";
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://registry.invalid");
    try {
      const creds = basicCredentials(req.headers.authorization);
      const presigned = url.searchParams.get(downloadSignatureParam);
      const principal =
        creds !== undefined
          ? await options.authenticate(creds.username, creds.password)
          : presigned !== null && (req.method === "GET" || req.method === "HEAD")
            ? presignedPrincipal(options, url.pathname, presigned)
            : undefined;
      if (principal === undefined) {
        res.setHeader("WWW-Authenticate", `Basic realm="${realm}"`);
        throw new OciError("UNAUTHORIZED", "authentication required");
      }
      const ctx: RequestContext = { req, res, url, registry: options.registry, registryId: options.registryId, principal };
      const route = parseRoute(url.pathname);
      if (route === undefined) throw new OciError("NOT_FOUND", "no such route");
      if ("name" in route && !isValidRepositoryName(route.name)) {
        throw new OciError("NAME_INVALID", "invalid repository name", { name: route.name });
      }
      const access = registryAction(route, req.method ?? "GET");
      const refusal = access && (await options.authorize?.(principal, access, req));
      if (refusal !== undefined) throw new OciError("DENIED", refusal);
      await dispatch(ctx, route, req.method ?? "GET");
    } catch (e) {
      // A client that hangs up mid-transfer (docker cancels blob reads it no longer needs) is not a server failure.
      const clientGone = res.destroyed && !res.writableFinished;
      if (!(e instanceof OciError) && !clientGone) options.onError?.(e, req);
      const err = e instanceof OciError ? e : new OciError("UNKNOWN", "internal error");
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (req.method === "HEAD") send(res, err.status, { "Content-Length": 0 });
      else sendJson(res, err.status, err.toJSON());
    }
  };
}

/** A GetDownloadUrlForLayer URL's caller: only for the one blob it was signed for (download-url.ts). */
function presignedPrincipal(options: DistributionApiOptions, pathname: string, token: string): string | undefined {
  const route = parseRoute(pathname);
  if (route?.kind !== "blob" || options.checkDownload === undefined) return undefined;
  return options.checkDownload(token, route.name, route.digest);
}

function dispatch(ctx: RequestContext, route: Route, method: string): Promise<void> {
  const unsupported = (): Promise<void> => Promise.reject(new OciError("UNSUPPORTED", `${method} is not supported here`));
  switch (route.kind) {
    case "base":
      if (method !== "GET" && method !== "HEAD") return unsupported();
      sendJson(ctx.res, 200, {});
      return Promise.resolve();
    case "catalog":
      return method === "GET" ? catalog(ctx) : unsupported();
    case "tags":
      return method === "GET" ? listTags(ctx, route.name) : unsupported();
    case "manifest":
      if (method === "GET" || method === "HEAD") return getManifest(ctx, route.name, route.reference, method === "GET");
      if (method === "PUT") return putManifest(ctx, route.name, route.reference);
      if (method === "DELETE") return deleteManifest(ctx, route.name, route.reference);
      return unsupported();
    case "blob":
      if (method === "GET" || method === "HEAD") return getBlob(ctx, route.name, route.digest, method === "GET");
      if (method === "DELETE") return deleteBlob(ctx, route.name, route.digest);
      return unsupported();
    case "referrers":
      return method === "GET" ? listReferrers(ctx, route.name, route.digest) : unsupported();
    case "uploads":
      return method === "POST" ? startUpload(ctx, route.name) : unsupported();
    case "upload":
      if (method === "GET") return uploadStatus(ctx, route.name, route.id);
      if (method === "PATCH") return appendChunk(ctx, route.name, route.id);
      if (method === "PUT") return completeUpload(ctx, route.name, route.id);
      if (method === "DELETE") return cancelUpload(ctx, route.name, route.id);
      return unsupported();
  }
}
