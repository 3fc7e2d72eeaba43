import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { ApiHandler, FrontDoors } from "./api/front-doors.js";
import type { HttpRequest } from "./api/http-types.js";
import { signingKeyIdOf, signingRegionOf } from "./auth/sigv4.js";
import { awsRegions } from "./domain/regions.js";
import { dataDirFiles, otherRegionsOnDisk, recordedHomeRegion, regionDirOf } from "./data-dir.js";
import { passwordRegion } from "./registry/auth-token.js";
import { downloadRegion, downloadSignatureParam } from "./registry/download-url.js";
import { basicCredentials } from "./registry/http-io.js";
import type { Registry } from "./registry/registry.js";
import { startRegionalPlane, type RegionalPlane, type SharedParts } from "./regional-plane.js";
import type { StoreLocation } from "./config/server-config.js";
import { openStore } from "./state/open-store.js";
import type { Store } from "./state/store.js";

/**
 * Every region one endpoint serves, as AWS's regional endpoints would: a request goes to the plane
 * of the region its SigV4 credential scope names (`--region` on the CLI, `region` in the SDKs).
 *
 * The home region (`--region`) keeps its state at the data directory's root, as before regions
 * existed; every other region has `<data-dir>/regions/<region>/`. Planes whose directory exists are
 * started with the server (their agents, services and schedules run whether or not anyone calls);
 * another region starts on the first call that names it with a key the server knows, so a caller
 * without credentials cannot make the server open anything, and the region list bounds the rest.
 */
export class RegionPlanes {
  private readonly planes = new Map<string, Promise<RegionalPlane>>();
  private readonly started = new Map<string, RegionalPlane>();

  private constructor(
    private readonly shared: SharedParts,
    readonly home: RegionalPlane,
  ) {
    this.planes.set(home.region, Promise.resolve(home));
    this.started.set(home.region, home);
  }

  /** Opens the home region's store (IAM's too) before anything else: the caller builds IAM on it. */
  static openHomeStore(dataDir: string, region: string, location: StoreLocation): Promise<Store> {
    const marker = join(dataDir, dataDirFiles.homeRegion);
    if (!existsSync(marker)) writeFileSync(marker, `${region}\n`, { mode: 0o600 });
    const recorded = recordedHomeRegion(dataDir);
    if (recorded !== region) {
      throw new Error(`${dataDir} holds region ${recorded} at its root: start with --region ${recorded} (other regions are served too, by the region each call names).`);
    }
    return openStore(location, { dir: dataDir, home: true, name: region });
  }

  /** Starts the home plane on `homeStore` and every other region that has state on disk. */
  static async start(shared: SharedParts, homeStore: Store): Promise<RegionPlanes> {
    // The home plane replicates too, once the planes exist (no push reaches it before).
    const ready: { planes?: RegionPlanes } = {};
    const registryOf = (region: string) => (ready.planes ? ready.planes.registryOf(region) : Promise.reject(new Error("the region planes are still starting")));
    const planes = new RegionPlanes(shared, await startRegionalPlane(shared, shared.config.region, shared.config.dataDir, homeStore, registryOf));
    ready.planes = planes;
    try {
      for (const region of otherRegionsOnDisk(shared.config.dataDir, shared.config.region)) await planes.plane(region);
    } catch (err) {
      await planes.close();
      throw err;
    }
    return planes;
  }

  /** Every started plane (Prometheus reads their metrics). */
  all(): Iterable<RegionalPlane> {
    return this.started.values();
  }

  /** The front doors, each request handed to its region's plane. */
  doors(): FrontDoors {
    const route =
      (door: (d: FrontDoors) => ApiHandler): ApiHandler =>
      async (req) =>
        door((await this.planeFor(req)).doors)(req);
    const restJson = this.home.doors.restJson;
    return {
      awsJson: route((d) => d.awsJson),
      awsQuery: route((d) => d.awsQuery),
      rpcV2Cbor: route((d) => d.rpcV2Cbor),
      ...(restJson && { restJson: { signingNames: restJson.signingNames, handle: route((d) => d.restJson?.handle ?? restJson.handle) } }),
    };
  }

  /**
   * The registry's `/v2/`: the region its password (Basic credentials) or download URL names, which
   * that region's registry verifies; anything else, the home region's (its 401 challenge included).
   */
  distribution(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://registry.invalid");
    const signature = url.searchParams.get(downloadSignatureParam);
    const password = basicCredentials(req.headers.authorization)?.password;
    const region = signature !== null ? downloadRegion(signature) : password !== undefined ? passwordRegion(password) : undefined;
    return (this.started.get(region ?? "") ?? this.home).distribution(req, res);
  }

  /** The agent channel: an agent registered in a region, so its plane has started. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const plane = this.started.get(signingRegionOf(req) ?? "") ?? this.home;
    plane.upgrade(req, socket, head);
  }

  async close(): Promise<void> {
    const planes = await Promise.allSettled(this.planes.values());
    for (const p of planes) if (p.status === "fulfilled") await p.value.close();
  }

  /**
   * The plane a request goes to. A region that is not started, not an AWS region, or named with an
   * unknown key goes to the home plane, whose authentication refuses it with AWS's error.
   */
  private async planeFor(req: HttpRequest): Promise<RegionalPlane> {
    const region = signingRegionOf(req);
    if (region === undefined) return this.home;
    const started = this.started.get(region);
    if (started) return started;
    if (!awsRegions.has(region) || !(await this.knownKey(signingKeyIdOf(req)))) return this.home;
    return this.plane(region);
  }

  /**
   * Another region's registry, for replication: the hook each plane is given instead of knowing the
   * others. Only regions a replication configuration names (checked against the region list) come here.
   */
  private async registryOf(region: string): Promise<Registry> {
    if (!awsRegions.has(region)) throw new Error(`not a region: ${region}`);
    return (await this.plane(region)).registry;
  }

  private async knownKey(accessKeyId: string | undefined): Promise<boolean> {
    if (accessKeyId === undefined) return false;
    return accessKeyId === this.shared.rootKey.accessKeyId || (await this.shared.iam.directory.key(accessKeyId)) !== undefined;
  }

  private plane(region: string): Promise<RegionalPlane> {
    let plane = this.planes.get(region);
    if (!plane) {
      const dir = regionDirOf(this.shared.config.dataDir, region);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      plane = openStore(this.shared.config.store, { dir, home: false, name: region }).then((store) => startRegionalPlane(this.shared, region, dir, store, (r) => this.registryOf(r)));
      this.planes.set(region, plane);
      plane.then(
        (p) => this.started.set(region, p),
        (err: unknown) => {
          this.planes.delete(region);
          this.shared.logger.error({ err, region }, "a region's control plane could not start");
        },
      );
    }
    return plane;
  }
}
