import { dayOf, type SecretRecord } from "../../domain/secrets/secret.js";
import type { Store } from "../../state/store.js";

/** One version read: the secret (as read) and the version's id. */
export interface Read {
  readonly secret: SecretRecord;
  readonly versionId: string;
}

const stale = ({ secret, versionId }: Read, day: number): boolean => secret.lastAccessedMs !== day || secret.versions.find((v) => v.id === versionId)?.lastAccessedMs !== day;

/**
 * Records that these versions were read today (LastAccessedDate, the secret's and the version's).
 * Secrets Manager keeps days, not times: a secret read all day is written once, on its first read,
 * and a read of a secret already marked today writes nothing at all.
 */
export async function recordReads(store: Store, reads: readonly Read[], nowMs: number): Promise<void> {
  const day = dayOf(nowMs);
  const due = reads.filter((r) => stale(r, day));
  if (due.length === 0) return;
  await store.write(async (tx) => {
    for (const { secret, versionId } of due) {
      // Read again inside the write: the secret may have changed since (or be gone).
      const now = await tx.secrets.byArn(secret.arn);
      if (!now || !stale({ secret: now, versionId }, day)) continue;
      const versions = now.versions.map((v) => (v.id === versionId ? { ...v, lastAccessedMs: day } : v));
      await tx.secrets.put({ ...now, versions, lastAccessedMs: day, version: now.version + 1 });
    }
  });
}
