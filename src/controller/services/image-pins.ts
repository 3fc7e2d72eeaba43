import type { ContainerImage } from "@aws-sdk/client-ecs";
import { manifestDigest } from "../../agent-protocol/messages.js";
import { revisionOf, type ServiceRevisionRecord } from "../../domain/service-deployment.js";
import type { Working } from "./working.js";

/**
 * ECS's version consistency: a service revision runs one manifest per container. The first of its
 * tasks to pull an image tag reports the manifest the tag named (its container's `imageDigest`);
 * the revision keeps it (`containerImages`), and every later task of the revision is started with
 * it (the task spec's `imageDigests`): a scale-out, a replacement or a rollback to the revision runs
 * what the deployment started with, even if the tag was pushed again since. Not pinned: containers
 * with `versionConsistency: disabled`, images named by digest already, and images built on the host
 * (their agent reports no manifest digest).
 */
export function pinImages(w: Working): void {
  const history = w.service.serviceDeployments ?? [];
  const revisions = w.service.serviceRevisions ?? [];
  if (revisions.length === 0) return;
  const pins = new Map<string, ContainerImage[]>();
  const oldestFirst = w.input.tasks.filter((t) => t.known !== undefined).sort((a, b) => a.createdAtMs - b.createdAtMs);
  for (const t of oldestFirst) {
    const revision = t.startedBy === undefined ? undefined : revisionOf(history, revisions, t.startedBy);
    if (revision === undefined) continue;
    const pinned = pins.get(revision.id) ?? [...(revision.containerImages ?? [])];
    for (const c of t.spec.containers) {
      const digest = t.known?.containers.find((k) => k.name === c.name)?.imageDigest;
      if (c.versionConsistency === "disabled" || c.image === undefined || c.image.includes("@")) continue;
      if (digest === undefined || !manifestDigest.test(digest) || pinned.some((p) => p.containerName === c.name)) continue;
      pinned.push({ containerName: c.name, image: c.image, imageDigest: digest });
      pins.set(revision.id, pinned);
    }
  }
  if (pins.size === 0) return;
  const withPins = (r: ServiceRevisionRecord): ServiceRevisionRecord => {
    const containerImages = pins.get(r.id);
    return containerImages === undefined ? r : { ...r, containerImages };
  };
  w.service = { ...w.service, serviceRevisions: revisions.map(withPins) };
}
