import type { PgType } from "./tables.js";

/**
 * A SQLite value (read with safe integers: every INTEGER a bigint, so none is rounded) as the
 * parameter a PostgreSQL column of `type` takes. Throws, saying why, for a value the column cannot
 * hold: the copy then fails whole (its transaction rolls back) and names the table and column.
 */
export function toPostgres(type: PgType, value: unknown): unknown {
  if (value === null) return null;
  switch (type) {
    case "text":
      if (typeof value === "string") {
        if (value.includes("\u0000")) throw new Error("text holding U+0000, which PostgreSQL's text cannot hold");
        return value;
      }
      break;
    case "json":
      // As written: the column is `json`, which keeps the text (an escaped NUL included).
      if (typeof value === "string") return value;
      break;
    case "bigint":
      // As text: exact for every 64-bit value, which a JavaScript number is not.
      if (typeof value === "bigint") return value.toString();
      if (typeof value === "number" && Number.isInteger(value)) return value.toString();
      break;
    case "integer":
      if (typeof value === "bigint" && value >= -(2n ** 31n) && value < 2n ** 31n) return Number(value);
      if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return value;
      break;
    case "double precision":
      // A REAL column with an integral value reads as a bigint, an INTEGER column holding a fraction as a number.
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
      break;
    case "boolean":
      // SQLite's booleans are 0 and 1.
      if (value === 0n || value === 1n || value === 0 || value === 1) return value === 1n || value === 1;
      break;
    case "bytea":
      if (Buffer.isBuffer(value)) return value;
      // Text becomes its UTF-8 bytes (a log message: PostgresLogs stores the same bytes).
      if (typeof value === "string") return Buffer.from(value, "utf8");
      break;
  }
  throw new Error(`${describe(value)} does not fit a ${type} column`);
}

function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return `a blob of ${value.length} bytes`;
  if (typeof value === "string") return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "bigint" || typeof value === "number") return `the number ${String(value)}`;
  return `a ${typeof value}`;
}
