/**
 * Migration 18's data step (frozen with it: never edited once landed): every row of the old
 * `metric_five_minutes` table becomes its bucket of a `metric_five_blocks` row, the same doubles
 * and unit, then the old table goes. Rows are read metric by metric in time order, so each block is written once.
 */
import type { Database } from "better-sqlite3";
import { addToBlock, blobOf, blockOf, emptyBlock, unitsText, type BlockRow } from "./metric-blocks.js";

interface OldRow {
  series: number;
  bucket_ms: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  unit: string;
}

export function refoldFiveMinutes(db: Database): void {
  const put = db.prepare("INSERT INTO metric_five_blocks (series, block_ms, data, unit, units) VALUES (?, ?, ?, ?, ?)");
  const rowsOf = db.prepare<[number], OldRow>("SELECT series, bucket_ms, sum, count, min, max, unit FROM metric_five_minutes WHERE series = ? ORDER BY bucket_ms");
  // One metric at a time (at most 15 days of buckets in memory); a connection cannot write while it iterates.
  for (const { series } of db.prepare<[], { series: number }>("SELECT DISTINCT series FROM metric_five_minutes ORDER BY series").all()) {
    let row: BlockRow | undefined;
    const flush = () => {
      if (row) put.run(series, row.blockMs, blobOf(row.data), row.unit, unitsText(row));
    };
    for (const r of rowsOf.all(series)) {
      const block = blockOf(r.bucket_ms);
      if (row?.blockMs !== block) {
        flush();
        row = emptyBlock(block, r.unit);
      }
      addToBlock(row, r.bucket_ms, r);
    }
    flush();
  }
  db.exec("DROP TABLE metric_five_minutes");
}
