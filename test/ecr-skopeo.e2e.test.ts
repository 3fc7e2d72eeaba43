import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BerthServer } from "./support/berth-server.js";
import { RegistryTools } from "./support/registry-tools.js";

const ociIndex = "application/vnd.oci.image.index.v1+json";
const ociManifest = "application/vnd.oci.image.manifest.v1+json";

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

describe("ECR registry with skopeo", () => {
  let server: BerthServer;
  let tools: RegistryTools;
  let creds: string;
  before(async () => {
    server = await BerthServer.start();
    tools = new RegistryTools(server);
    assert.equal((await server.aws("ecr", "create-repository", "--repository-name", "sk")).code, 0);
    creds = `AWS:${await tools.password()}`;
  });
  after(async () => {
    await tools.cleanUp();
    await server.stop();
  });

  const mediaTypeOf = async (tag: string): Promise<string | undefined> => {
    const r = await server.aws("ecr", "describe-images", "--repository-name", "sk", "--image-ids", `imageTag=${tag}`);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { imageDetails: { imageManifestMediaType: string }[] }).imageDetails[0]?.imageManifestMediaType;
  };

  it("copies an image in from the Docker daemon and out to a docker-archive", async () => {
    const push = await tools.skopeo(["copy", "--dest-creds", creds, "--dest-tls-verify=false", "docker-daemon:berth-test:latest", `docker://${tools.host}/sk:v1`]);
    assert.equal(push.code, 0, push.stderr);
    const archive = join(tools.work, "out.tar");
    const pull = await tools.skopeo(["copy", "--src-creds", creds, "--src-tls-verify=false", `docker://${tools.host}/sk:v1`, `docker-archive:${archive}`]);
    assert.equal(pull.code, 0, pull.stderr);
    const inspected = await tools.skopeo(["inspect", "--creds", creds, "--tls-verify=false", `docker://${tools.host}/sk:v1`]);
    assert.equal(inspected.code, 0, inspected.stderr);
    const local = await tools.skopeo(["inspect", `docker-archive:${archive}`]);
    const layers = (text: string) => (JSON.parse(text) as { Layers: string[] }).Layers;
    assert.deepEqual(layers(local.stdout).length, layers(inspected.stdout).length);
    assert.equal(await mediaTypeOf("v1"), "application/vnd.docker.distribution.manifest.v2+json");
  });

  it("refuses a copy in with a wrong password", async () => {
    const r = await tools.skopeo(["copy", "--dest-creds", "AWS:nope", "--dest-tls-verify=false", "docker-daemon:berth-test:latest", `docker://${tools.host}/sk:bad`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unauthorized|authentication required|401/i);
  });

  it("accepts an OCI-format image, and an OCI index over it from an oci: layout", async () => {
    const oci = await tools.skopeo(["copy", "--format", "oci", "--dest-creds", creds, "--dest-tls-verify=false", "docker-daemon:berth-test:latest", `docker://${tools.host}/sk:oci`]);
    assert.equal(oci.code, 0, oci.stderr);
    assert.equal(await mediaTypeOf("oci"), ociManifest);

    // An oci: layout holding the image, then an image index over it written into the layout by hand.
    const layout = join(tools.work, "layout");
    const fetched = await tools.skopeo(["copy", "--src-creds", creds, "--src-tls-verify=false", `docker://${tools.host}/sk:oci`, `oci:${layout}:img`]);
    assert.equal(fetched.code, 0, fetched.stderr);
    const layoutIndex = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: Descriptor[] };
    const image = layoutIndex.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === "img");
    assert.ok(image);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: ociIndex,
        manifests: [{ mediaType: image.mediaType, digest: image.digest, size: image.size, platform: { architecture: "amd64", os: "linux" } }],
      }),
    );
    const hex = createHash("sha256").update(index).digest("hex");
    writeFileSync(join(layout, "blobs", "sha256", hex), index);
    layoutIndex.manifests.push({ mediaType: ociIndex, digest: `sha256:${hex}`, size: index.length, annotations: { "org.opencontainers.image.ref.name": "multi" } });
    writeFileSync(join(layout, "index.json"), JSON.stringify(layoutIndex));

    const pushIndex = await tools.skopeo(["copy", "--all", "--dest-creds", creds, "--dest-tls-verify=false", `oci:${layout}:multi`, `docker://${tools.host}/sk:multi`]);
    assert.equal(pushIndex.code, 0, pushIndex.stderr);
    assert.equal(await mediaTypeOf("multi"), ociIndex);
    const raw = await tools.skopeo(["inspect", "--raw", "--creds", creds, "--tls-verify=false", `docker://${tools.host}/sk:multi`]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(createHash("sha256").update(raw.stdout).digest("hex"), hex, "the index is served byte for byte");

    // The image the index names cannot be deleted from under it.
    const del = await server.aws("ecr", "batch-delete-image", "--repository-name", "sk", "--image-ids", `imageDigest=${image.digest}`);
    assert.equal(del.code, 0, del.stderr);
    assert.equal((JSON.parse(del.stdout) as { failures: { failureCode: string }[] }).failures[0]?.failureCode, "ImageReferencedByManifestList");

    const out = await tools.skopeo(["copy", "--src-creds", creds, "--src-tls-verify=false", `docker://${tools.host}/sk:multi`, `oci:${join(tools.work, "out")}:x`]);
    assert.equal(out.code, 0, out.stderr);
  });
});
