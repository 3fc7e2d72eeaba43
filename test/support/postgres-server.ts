import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** A PostgreSQL server of the test's own, and how to reach a database on it. */
export interface PostgresServer {
  /** A connection string for `database` (created on first use by `createDatabase`). */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** The server's Unix socket, for a test's own proxy in front of it. */
  readonly socketPath: string;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL server from Debian's `postgresql` package in a new temporary
 * directory: a copy of a data directory made once by `initdb` (see `templateData`), run as the
 * unprivileged `postgres` user when the test runs as root (PostgreSQL refuses root). It listens on a Unix socket in that directory only, so it takes no port that
 * anything else could hold, and trusts the `berth` role. `fsync` is off unless `durable` (for
 * benchmarks): the tests kill Berth's processes, never this server, so they lose nothing to it,
 * and commits keep their semantics.
 * `stop()` stops the server and removes the directory.
 */
export async function startPostgres({ durable = false }: { readonly durable?: boolean } = {}): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), "berth-pg-"));
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? await postgresUser() : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const pgCommand = (program: string, args: readonly string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, program), ...args]) : run(join(bin, program), [...args]);
  const data = join(dir, "data");
  try {
    await run("cp", ["-a", await templateData(bin, pgCommand, owner), data]);
    // A benchmark's server is durable, as a real one: each commit waits for its WAL flush.
    const options = `-c listen_addresses='' -k ${dir} -c max_connections=200${durable ? "" : " -c fsync=off"}`;
    await pgCommand("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = (database: string) => `postgresql://berth@/${database}?host=${encodeURIComponent(dir)}`;
  return {
    url,
    socketPath: join(dir, ".s.PGSQL.5432"),
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: url("postgres") });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
    },
    async stop() {
      try {
        await pgCommand("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

type PgCommand = (program: string, args: readonly string[]) => Promise<unknown>;

/**
 * A fresh `initdb` data directory for this PostgreSQL version, made once per machine and copied
 * for each server: initdb takes 2 s or more (several on a loaded machine), a copy of its 40 MB a
 * fifth of a second, and the test suites start a server 17 times. It is made in a directory of its
 * own and renamed into place whole, so a run that races another's, or dies halfway, never leaves a
 * partial template to copy; the loser of a race removes its own.
 */
async function templateData(bin: string, pgCommand: PgCommand, owner: { uid: number; gid: number } | undefined): Promise<string> {
  // One per PostgreSQL version and per user that runs the tests (the copy keeps the owner).
  const template = join(tmpdir(), `berth-pg-template-${bin.split("/").at(-2) ?? "pg"}-${userInfo().uid}`);
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const scratch = mkdtempSync(join(tmpdir(), "berth-pg-initdb-"));
  if (owner) chownSync(scratch, owner.uid, owner.gid);
  try {
    await pgCommand("initdb", ["-D", join(scratch, "data"), "-U", "berth", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    renameSync(join(scratch, "data"), template);
  } catch (err) {
    if (!existsSync(join(template, "PG_VERSION"))) throw err;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return template;
}

/** The newest installed server's programs (Debian keeps each major version in its own folder). */
function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`no PostgreSQL server under ${root}: install Debian's postgresql package (scripts/setup.sh does)`);
  return join(root, newest, "bin");
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
