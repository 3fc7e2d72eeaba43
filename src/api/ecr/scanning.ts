import type { BatchGetRepositoryScanningConfigurationRequest, DescribeImageScanFindingsRequest, PutImageScanningConfigurationRequest, PutRegistryScanningConfigurationRequest, StartImageScanRequest } from "@aws-sdk/client-ecr";
import { BatchGetRepositoryScanningConfigurationRequest$, DescribeImageScanFindingsRequest$, GetRegistryScanningConfigurationRequest$, PutImageScanningConfigurationRequest$, PutRegistryScanningConfigurationRequest$, StartImageScanRequest$ } from "../../aws-sdk/ecr.js";
import { ecrRepositoryArn } from "../../domain/arn.js";
import { invalidParameter } from "../../errors/catalog.js";
import { checkScanning, parseStoredScanning, repositoryScanning, storedScanning, toEcrScanning } from "../../registry/scanning-configuration.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import type { EcrDeps } from "./deps.js";
import { requireImage } from "./image-lookup.js";
import { repositoryScope, requireRepository } from "./scope.js";

/**
 * Why no scan runs. Said in every scan status rather than inventing findings: no vulnerability
 * scanner (Trivy, Grype, Clair) is packaged in Debian's main archive or published on npm by its
 * makers, so Berth ships none.
 */
export const scanningUnavailable =
  "Image scanning is not available in Berth: it has no vulnerability scanner (none is packaged in Debian's main archive or on npm), so no findings exist. Scan images with a scanner of your own before pushing.";

/**
 * Image scanning: the registry's and each repository's scanning configuration are stored and
 * answered as ECR does; a scan, started or described, answers FAILED with {@link scanningUnavailable}.
 */
export function scanningOperations(deps: EcrDeps): Record<string, Operation> {
  const metadata = () => deps.registry.metadata;
  const configuration = async () => parseStoredScanning(await metadata().getRegistrySetting("scanning-configuration"));
  const failedScan = async (input: StartImageScanRequest | DescribeImageScanFindingsRequest, ctx: RequestContext) => {
    const scope = repositoryScope(input, ctx);
    const image = await requireImage(deps.registry, scope, input.imageId);
    return {
      ...scope,
      imageId: { imageDigest: image.imageDigest, ...(input.imageId?.imageTag !== undefined && { imageTag: input.imageId.imageTag }) },
      imageScanStatus: { status: "FAILED", description: scanningUnavailable },
    };
  };
  return {
    PutImageScanningConfiguration: operation<PutImageScanningConfigurationRequest>(PutImageScanningConfigurationRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const scanOnPush = input.imageScanningConfiguration?.scanOnPush;
      if (scanOnPush === undefined) throw invalidParameter("imageScanningConfiguration.scanOnPush is required.");
      await requireRepository(deps.registry, scope);
      await metadata().setScanOnPush(scope.repositoryName, scanOnPush);
      return { ...scope, imageScanningConfiguration: { scanOnPush } };
    }),

    PutRegistryScanningConfiguration: operation<PutRegistryScanningConfigurationRequest>(PutRegistryScanningConfigurationRequest$, async (input) => {
      const checked = checkScanning(input);
      await metadata().setRegistrySetting("scanning-configuration", storedScanning(checked));
      return { registryScanningConfiguration: toEcrScanning(checked) };
    }),

    GetRegistryScanningConfiguration: operation<object>(GetRegistryScanningConfigurationRequest$, async (_input, ctx) => ({
      registryId: ctx.partition.accountId,
      scanningConfiguration: toEcrScanning(await configuration()),
    })),

    BatchGetRepositoryScanningConfiguration: operation<BatchGetRepositoryScanningConfigurationRequest>(BatchGetRepositoryScanningConfigurationRequest$, async (input, ctx) => {
      const names = input.repositoryNames ?? [];
      if (names.length < 1 || names.length > 25) throw invalidParameter("Invalid parameter at 'repositoryNames' failed to satisfy constraint: 'Member must have length between 1 and 25'");
      const config = await configuration();
      const scanningConfigurations = [];
      const failures = [];
      for (const name of names) {
        const scope = repositoryScope({ repositoryName: name }, ctx);
        const repo = await metadata().getRepository(scope.repositoryName);
        if (repo === undefined) failures.push({ repositoryName: name, failureCode: "REPOSITORY_NOT_FOUND", failureReason: "REPOSITORY_NOT_FOUND" });
        else scanningConfigurations.push(repositoryScanning(config, { name, arn: ecrRepositoryArn(ctx.partition, name), scanOnPush: repo.scanOnPush === true }));
      }
      return { scanningConfigurations, failures };
    }),

    StartImageScan: operation<StartImageScanRequest>(StartImageScanRequest$, failedScan),
    DescribeImageScanFindings: operation<DescribeImageScanFindingsRequest>(DescribeImageScanFindingsRequest$, failedScan),
  };
}
