/**
 * The packed 5-minute fold of metrics in PostgreSQL: the blocks of sqlite/metric-blocks.ts (its
 * codec, unchanged: the same doubles in the same bytes) in `metric_five_blocks`, `data` a `bytea`.
 * Blocks are read and written many per statement: a flush of metrics touches a block of each
 * metric it carries. Blocks go up as one `bytea` parameter (sent as binary, not as the hex of a
 * `bytea[]`) that the statement cuts into equal parts.
 */
import { blobOf, blockMs, doublesOf, unitsOf, unitsText, type BlockRow } from "../sqlite/metric-blocks.js";
import type { Sql } from "./sql.js";

/** One metric's block: the metric's series id and the block. */
export interface SeriesBlock {
  readonly series: number;
  readonly row: BlockRow;
}

interface StoredBlock {
  series: number;
  block_ms: number;
  data: Buffer;
  unit: string;
  units: string | null;
}

const blockOfRow = (r: StoredBlock): SeriesBlock => ({ series: r.series, row: { blockMs: r.block_ms, data: doublesOf(r.data), unit: r.unit, units: unitsOf(r.units) } });

/** The stored blocks among `keys` (series id and block start); those not stored are absent. */
export async function loadBlocks(db: Sql, keys: readonly { series: number; blockMs: number }[]): Promise<SeriesBlock[]> {
  if (keys.length === 0) return [];
  const rows = await db.rows<StoredBlock>(
    `SELECT series, block_ms, data, unit, units FROM metric_five_blocks
     WHERE (series, block_ms) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))`,
    [keys.map((k) => k.series), keys.map((k) => k.blockMs)],
  );
  return rows.map(blockOfRow);
}

/** One metric's blocks that start in [fromMs, toMs), oldest first, found by the metric's key. */
export async function blocksOfMetric(db: Sql, key: readonly [namespace: string, name: string, dims: string], fromMs: number, toMs: number): Promise<BlockRow[]> {
  const rows = await db.rows<StoredBlock>(
    `SELECT b.series, b.block_ms, b.data, b.unit, b.units FROM metric_five_blocks b
     WHERE b.series = (SELECT id FROM metric_series WHERE namespace = $1 AND name = $2 AND dims = $3) AND b.block_ms >= $4 AND b.block_ms < $5
     ORDER BY b.block_ms`,
    [...key, fromMs, toMs],
  );
  return rows.map((r) => blockOfRow(r).row);
}

/** Writes the blocks (each key at most once), new or over what is stored. */
export async function saveBlocks(db: Sql, blocks: readonly SeriesBlock[]): Promise<void> {
  if (blocks.length === 0) return;
  const size = blocks[0]!.row.data.byteLength;
  await db.run(
    `INSERT INTO metric_five_blocks (series, block_ms, data, unit, units)
     SELECT b.series, b.block_ms, substring($3::bytea FROM (b.n - 1)::integer * $4 + 1 FOR $4), b.unit, b.units
     FROM unnest($1::bigint[], $2::bigint[], $5::text[], $6::text[]) WITH ORDINALITY AS b (series, block_ms, unit, units, n)
     ON CONFLICT (series, block_ms) DO UPDATE SET data = excluded.data, unit = excluded.unit, units = excluded.units`,
    [
      blocks.map((b) => b.series),
      blocks.map((b) => b.row.blockMs),
      Buffer.concat(blocks.map((b) => blobOf(b.row.data))),
      size,
      blocks.map((b) => b.row.unit),
      blocks.map((b) => unitsText(b.row)),
    ],
  );
}

export async function deleteBlocks(db: Sql, keys: readonly { series: number; blockMs: number }[]): Promise<void> {
  if (keys.length === 0) return;
  await db.run("DELETE FROM metric_five_blocks WHERE (series, block_ms) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))", [keys.map((k) => k.series), keys.map((k) => k.blockMs)]);
}

/** Deletes the blocks that end at or before `beforeMs`. */
export async function deleteBlocksBefore(db: Sql, beforeMs: number): Promise<void> {
  await db.run("DELETE FROM metric_five_blocks WHERE block_ms <= $1::bigint - $2::bigint", [beforeMs, blockMs]);
}

/** The blocks that `beforeMs` falls inside of (after their start, before their end). */
export async function blocksCutBy(db: Sql, beforeMs: number): Promise<SeriesBlock[]> {
  const rows = await db.rows<StoredBlock>(
    "SELECT series, block_ms, data, unit, units FROM metric_five_blocks WHERE block_ms < $1::bigint AND block_ms > $1::bigint - $2::bigint",
    [beforeMs, blockMs],
  );
  return rows.map(blockOfRow);
}
