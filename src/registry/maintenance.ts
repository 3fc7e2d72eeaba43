import type { Logger } from "pino";
import { applyLifecyclePolicy } from "./ecr-image-writes.js";
import { parseLifecyclePolicy } from "./lifecycle-policy.js";
import type { RepositoryRecord } from "./metadata.js";
import type { GcOptions, Registry } from "./registry.js";

export interface MaintenanceOptions {
  readonly registry: Registry;
  /** The account id, for the scope ECR's logic names repositories by. */
  readonly registryId: string;
  /** Time between runs; each run applies every lifecycle policy, then collects garbage. */
  readonly intervalMs: number;
  readonly gc: GcOptions;
  /**
   * Time between sweeps of idle upload sessions, apart from the runs: a session idle past its
   * timeout should not hold its disk until the next full run. Default: a minute.
   */
  readonly uploadSweepIntervalMs?: number;
  readonly now: () => number;
  readonly logger: Logger;
}

/** What one run did. */
export interface MaintenanceReport {
  /** Images expired, by repository. */
  readonly expired: Readonly<Record<string, number>>;
  readonly blobsRemoved: number;
  readonly uploadsRemoved: number;
}

export interface RegistryMaintenance {
  /** Runs once now (or joins the run in progress). */
  runNow(): Promise<MaintenanceReport>;
  /** Stops the timer and waits for a run in progress, so that the stores can be closed after. */
  stop(): Promise<void>;
}

/**
 * The registry's background loop: lifecycle policies first (expiring images frees their blobs'
 * references), then garbage collection. Runs never overlap; a failing repository is logged and
 * the others still run; a failing run is logged and the next tick tries again. Between runs, a
 * lighter timer removes upload sessions idle past their timeout.
 */
export function startRegistryMaintenance(opts: MaintenanceOptions): RegistryMaintenance {
  let running: Promise<MaintenanceReport> | undefined;
  let stopped = false;

  const runNow = (): Promise<MaintenanceReport> => {
    running ??= runOnce(opts).finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => {
    if (stopped) return;
    runNow().then(
      (r) => {
        if (r.blobsRemoved + r.uploadsRemoved > 0 || Object.keys(r.expired).length > 0) opts.logger.info(r, "registry maintenance");
      },
      (err: unknown) => opts.logger.error({ err }, "registry maintenance failed"),
    );
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  let sweeping: Promise<void> | undefined;
  const sweep = () => {
    if (stopped || sweeping !== undefined) return;
    sweeping = opts.registry.uploads
      .sweep()
      .then(
        (ids) => {
          if (ids.length > 0) opts.logger.info({ uploads: ids }, "removed idle upload sessions");
        },
        (err: unknown) => opts.logger.error({ err }, "sweeping idle upload sessions failed"),
      )
      .finally(() => {
        sweeping = undefined;
      });
  };
  const sweepTimer = setInterval(sweep, opts.uploadSweepIntervalMs ?? 60_000);
  sweepTimer.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(sweepTimer);
      await running?.catch(() => undefined);
      await sweeping;
    },
  };
}

async function runOnce(opts: MaintenanceOptions): Promise<MaintenanceReport> {
  const expired: Record<string, number> = {};
  for (const repo of await allRepositories(opts.registry)) {
    if (repo.lifecyclePolicyText === undefined) continue;
    const parsed = parseLifecyclePolicy(repo.lifecyclePolicyText);
    if (!parsed.ok) {
      // PutLifecyclePolicy validates, so only a policy stored by an older version can get here.
      opts.logger.warn({ repository: repo.name, reason: parsed.message }, "skipping an invalid lifecycle policy");
      continue;
    }
    try {
      const scope = { registryId: opts.registryId, repositoryName: repo.name };
      const evaluatedAtMs = opts.now();
      const done = await applyLifecyclePolicy(opts.registry.metadata, scope, parsed.policy, evaluatedAtMs);
      await opts.registry.metadata.setLifecycleEvaluatedAt(repo.name, evaluatedAtMs);
      if (done.length > 0) {
        expired[repo.name] = done.length;
        opts.logger.info({ repository: repo.name, images: done.map((e) => ({ digest: e.digest, rule: e.appliedRulePriority, reason: e.reason })) }, "lifecycle policy expired images");
      }
    } catch (err) {
      opts.logger.error({ err, repository: repo.name }, "applying the lifecycle policy failed");
    }
  }
  const plan = await opts.registry.collectGarbage(opts.gc);
  return { expired, blobsRemoved: plan.blobs.length, uploadsRemoved: plan.uploads.length };
}

async function allRepositories(registry: Registry): Promise<RepositoryRecord[]> {
  const out: RepositoryRecord[] = [];
  let after: string | undefined;
  do {
    const page = await registry.metadata.listRepositories({ limit: 500, after });
    out.push(...page.items);
    after = page.nextAfter;
  } while (after !== undefined);
  return out;
}
