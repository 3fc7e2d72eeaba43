import type { ContainerDefinition, ContainerImage } from "@aws-sdk/client-ecs";
import { manifestDigest } from "../../agent-protocol/messages.js";
import { revisionOf, type ServiceRevisionRecord } from "../../domain/service-deployment.js";
import type { Working } from "./working.js";

/**
 * ECS's version consistency: a service revision runs one image manifest per container, whatever
 * its tag names later. The revision keeps the manifest (`containerImages`), and every later task of
 * the revision is started with it (the task spec's `imageDigests`): a scale-out, a replacement or a
 * rollback to the revision runs what the deployment started with, even after the tag was pushed
 * again. Where the manifest comes from:
 * - an image in Berth's own registry: the manifest its tag names when the deployment is first
 *   reconciled, read from the registry by the snapshot (`registryPins`), so even the deployment's
 *   first tasks run it, and no agent's word is taken for it;
 * - any other registry: the first of the revision's tasks to pull the tag reports the manifest
 *   (its container's `imageDigest`), as ECS takes it from the first task's agent.
 * Not pinned: containers with `versionConsistency: disabled`, images named by digest already, and
 * images built on the host (their agent reports no manifest digest).
 */
export function pinImages(w: Working): void {
  const revisions = w.service.serviceRevisions ?? [];
  if (revisions.length === 0) return;
  const pins = new Map<string, ContainerImage[]>();
  const pin = (revision: ServiceRevisionRecord, image: ContainerImage): void => {
    const pinned = pins.get(revision.id) ?? [...(revision.containerImages ?? [])];
    if (pinned.some((p) => p.containerName === image.containerName)) return;
    pins.set(revision.id, [...pinned, image]);
  };
  for (const d of w.deployments) {
    const revision = revisionOf(w.service, d.id);
    for (const image of w.input.registryPins?.get(d.id) ?? []) if (revision !== undefined) pin(revision, image);
  }
  const oldestFirst = w.input.tasks.filter((t) => t.known !== undefined).sort((a, b) => a.createdAtMs - b.createdAtMs);
  for (const t of oldestFirst) {
    const revision = t.startedBy === undefined ? undefined : revisionOf(w.service, t.startedBy);
    if (revision === undefined) continue;
    for (const c of t.spec.containers) {
      const digest = t.known?.containers.find((k) => k.name === c.name)?.imageDigest;
      if (!pinnable(c) || w.input.ownImages?.has(c.image ?? "") === true || digest === undefined || !manifestDigest.test(digest)) continue;
      pin(revision, { containerName: c.name, image: c.image, imageDigest: digest });
    }
  }
  if (pins.size === 0) return;
  const withPins = (r: ServiceRevisionRecord): ServiceRevisionRecord => {
    const containerImages = pins.get(r.id);
    return containerImages === undefined ? r : { ...r, containerImages };
  };
  w.service = { ...w.service, serviceRevisions: revisions.map(withPins) };
}

/** Whether a container's image is pinned to a manifest: named by a tag, and versionConsistency not disabled. */
export const pinnable = (c: ContainerDefinition): boolean => c.versionConsistency !== "disabled" && c.image !== undefined && !c.image.includes("@");
