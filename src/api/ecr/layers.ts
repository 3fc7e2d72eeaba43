import { Readable } from "node:stream";
import type { BatchCheckLayerAvailabilityRequest, CompleteLayerUploadRequest, GetDownloadUrlForLayerRequest, InitiateLayerUploadRequest, Layer, LayerFailure, UploadLayerPartRequest } from "@aws-sdk/client-ecr";
import { BatchCheckLayerAvailabilityRequest$, CompleteLayerUploadRequest$, GetDownloadUrlForLayerRequest$, InitiateLayerUploadRequest$, UploadLayerPartRequest$ } from "../../aws-sdk/ecr.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { isDigest } from "../../registry/digest.js";
import { downloadSignatureParam, downloadUrlLifetimeMs, signDownload } from "../../registry/download-url.js";
import type { RepositoryScope } from "../../registry/ecr-images.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import { registryPrincipalOf } from "./authorization.js";
import type { EcrDeps } from "./deps.js";
import { repositoryScope, requireRepository } from "./scope.js";

/**
 * The ECR API's push path (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload,
 * BatchCheckLayerAvailability) and GetDownloadUrlForLayer, over the same upload sessions, limits
 * and blob store as the registry's `/v2/` API: a layer pushed one way is pulled the other. An
 * upload is its caller's alone, as on `/v2/`. Parts travel base64 in JSON bodies, which the front
 * door caps at 1 MiB, so the part size Berth asks for is 512 KiB.
 */
export const layerPartSize = 512 * 1024;

export function layerOperations({ registry, registryAddress, tokenSecret }: EcrDeps): Record<string, Operation> {
  const uploadNotFound = (s: RepositoryScope, id: string | undefined) =>
    new AwsError("UploadNotFoundException", `Upload with id '${excerpt(id, 64)}' is not found in the repository with name '${excerpt(s.repositoryName, 256)}' in the registry with id '${s.registryId}'`);

  /** The caller's open upload `id` for this repository, or UploadNotFoundException. */
  const ownUpload = async (s: RepositoryScope, id: string | undefined, ctx: RequestContext) => {
    const upload = id === undefined ? undefined : await registry.uploads.get(id, registryPrincipalOf(ctx));
    if (!upload || upload.repository !== s.repositoryName) throw uploadNotFound(s, id);
    return upload;
  };

  return {
    InitiateLayerUpload: operation<InitiateLayerUploadRequest>(InitiateLayerUploadRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      await requireRepository(registry, scope);
      const started = await registry.uploads.start(scope.repositoryName, registryPrincipalOf(ctx));
      if (!started.ok) {
        throw new AwsError("LimitExceededException", `Too many open layer uploads: ${started.limit === "sessions" ? `${started.open} of ${started.max}` : `${started.held} of ${started.max} bytes held`}. Complete or abandon some and try again.`);
      }
      return { uploadId: started.upload.id, partSize: layerPartSize };
    }),

    UploadLayerPart: operation<UploadLayerPartRequest>(UploadLayerPartRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      await requireRepository(registry, scope);
      const upload = await ownUpload(scope, input.uploadId, ctx);
      const part = decodeBase64(input.layerPartBlob);
      const first = input.partFirstByte ?? -1;
      const last = input.partLastByte ?? -1;
      const invalidPart = (message: string, lastValid: number) =>
        new AwsError("InvalidLayerPartException", message, { ...scope, uploadId: upload.id, lastValidByteReceived: lastValid });
      if (first !== upload.offset) throw invalidPart(`The part's first byte is ${first}; the upload has ${upload.offset} bytes, so the next part starts at byte ${upload.offset}.`, upload.offset - 1);
      if (last - first + 1 !== part.length) throw invalidPart(`The part holds ${part.length} bytes, but partFirstByte ${first} and partLastByte ${last} say ${last - first + 1}.`, upload.offset - 1);
      const r = await registry.uploads.append(upload.id, Readable.from([part]), { expectedStart: first, expectedLength: part.length });
      if (!r.ok) {
        if (r.reason === "unknown-upload") throw uploadNotFound(scope, upload.id);
        if (r.reason === "limit") throw new AwsError("LimitExceededException", `The part would take the uploads held past ${r.max} bytes.`);
        throw invalidPart(`The part was refused (${r.reason}); the upload has ${r.offset} bytes.`, r.offset - 1);
      }
      return { ...scope, uploadId: upload.id, lastByteReceived: r.offset - 1 };
    }),

    CompleteLayerUpload: operation<CompleteLayerUploadRequest>(CompleteLayerUploadRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const digests = input.layerDigests ?? [];
      if (digests.length !== 1) throw invalidParameter(`layerDigests must name the upload's one digest; got ${digests.length}.`);
      const digest = digests[0]!;
      if (!isDigest(digest)) throw new AwsError("InvalidLayerException", `'${excerpt(digest, 100)}' is not a layer digest: use sha256:<64 hex digits>.`);
      await requireRepository(registry, scope);
      const upload = await ownUpload(scope, input.uploadId, ctx);
      if (upload.offset === 0) throw new AwsError("EmptyUploadException", `The upload with id '${upload.id}' has no layer parts.`);
      if (await registry.hasBlob(scope.repositoryName, digest)) {
        await registry.uploads.cancel(upload.id);
        throw new AwsError("LayerAlreadyExistsException", `The layer with digest '${digest}' already exists in the repository with name '${excerpt(scope.repositoryName, 256)}' in the registry with id '${scope.registryId}'`);
      }
      const r = await registry.uploads.complete(upload.id, digest);
      if (!r.ok) {
        if (r.reason === "digest-mismatch") throw new AwsError("InvalidLayerException", `The layer's digest is ${r.actual}, not ${digest}.`);
        if (r.reason === "unknown-upload") throw uploadNotFound(scope, upload.id);
        throw new AwsError("InvalidLayerException", "The upload could not be completed; try again.");
      }
      await registry.linkUploadedBlob(scope.repositoryName, r.digest);
      return { ...scope, uploadId: upload.id, layerDigest: r.digest };
    }),

    BatchCheckLayerAvailability: operation<BatchCheckLayerAvailabilityRequest>(BatchCheckLayerAvailabilityRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const digests = input.layerDigests ?? [];
      if (digests.length < 1 || digests.length > 100) throw invalidParameter(`layerDigests must name 1 to 100 layers; got ${digests.length}.`);
      await requireRepository(registry, scope);
      const layers: Layer[] = [];
      const failures: LayerFailure[] = [];
      for (const digest of digests) {
        if (!isDigest(digest)) {
          failures.push({ layerDigest: digest, failureCode: "InvalidLayerDigest", failureReason: "Invalid layer digest" });
          continue;
        }
        const size = (await registry.hasBlob(scope.repositoryName, digest)) ? (await registry.blobs.stat(digest))?.size : undefined;
        if (size === undefined) failures.push({ layerDigest: digest, failureCode: "MissingLayerDigest", failureReason: "Could not find the layer in the repository" });
        else layers.push({ layerDigest: digest, layerAvailability: "AVAILABLE", layerSize: size });
      }
      return { layers, failures };
    }),

    GetDownloadUrlForLayer: operation<GetDownloadUrlForLayerRequest>(GetDownloadUrlForLayerRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const digest = input.layerDigest ?? "";
      if (!isDigest(digest)) throw invalidParameter(`'${excerpt(digest, 100)}' is not a layer digest: use sha256:<64 hex digits>.`);
      await requireRepository(registry, scope);
      if (!(await registry.hasBlob(scope.repositoryName, digest))) {
        throw new AwsError("LayersNotFoundException", `The layer with digest '${digest}' does not exist in the repository with name '${excerpt(scope.repositoryName, 256)}' in the registry with id '${scope.registryId}'`);
      }
      const token = signDownload(tokenSecret, { repository: scope.repositoryName, digest, principal: registryPrincipalOf(ctx), region: ctx.partition.region, expiresAtMs: ctx.nowMs + downloadUrlLifetimeMs });
      return { downloadUrl: `http://${registryAddress()}/v2/${scope.repositoryName}/blobs/${digest}?${downloadSignatureParam}=${token}`, layerDigest: digest };
    }),
  };
}

/** A blob member as the JSON protocol carries it: base64 text, decoded; anything else refused. */
function decodeBase64(text: unknown): Buffer {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw invalidParameter("layerPartBlob must be base64-encoded bytes.");
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.length === 0) throw invalidParameter("layerPartBlob must hold at least one byte.");
  return bytes;
}
