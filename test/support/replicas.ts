import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BerthServer } from "./berth-server.js";
import { startPostgres, type PostgresServer } from "./postgres-server.js";

/**
 * Several `berth server` replicas on one throwaway PostgreSQL database. They share one data
 * directory, as replicas on one host do: the operator's credentials, IAM's key, the registry's
 * token secret and blobs. The first starts alone (it creates the credentials), then the others.
 */
export class Replicas {
  private constructor(
    readonly pg: PostgresServer,
    readonly servers: BerthServer[],
  ) {}

  static async start(count: number, extraArgs: readonly string[] = []): Promise<Replicas> {
    const pg = await startPostgres();
    const servers: BerthServer[] = [];
    const replicas = new Replicas(pg, servers);
    try {
      await pg.createDatabase("berth");
      const dataDir = mkdtempSync(join(tmpdir(), "berth-replicas-"));
      const args = ["--store", pg.url("berth"), ...extraArgs];
      for (let i = 0; i < count; i++) servers.push(await BerthServer.start(dataDir, args));
    } catch (err) {
      await replicas.stop();
      throw err;
    }
    return replicas;
  }

  /** Every agent endpoint, as an agent that fails over takes them (ECS_BACKEND_HOST). */
  get endpoints(): string {
    return this.servers.map((s) => s.endpoint).join(",");
  }

  /** Stops every replica (the first last: it removes the shared data directory), then PostgreSQL. */
  async stop(): Promise<void> {
    for (const s of this.servers.slice(1)) await s.kill();
    await this.servers[0]?.stop();
    await this.pg.stop();
  }
}
