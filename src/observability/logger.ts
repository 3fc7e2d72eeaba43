import { pino, type Logger } from "pino";
import { boundMessage } from "./excerpt.js";

/** Longest list logged in full, and how deep objects are followed. */
const maxItems = 100;
const maxDepth = 4;

/**
 * The logger of every Berth command: pino, JSON lines on stderr, with every string (message,
 * field, child binding, error message and stack) cut to a bounded length and every list to
 * 100 items. Call sites excerpt what a client sent; this is the guard behind them, so that no
 * value, wherever it came from, can make one log line large.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  const logger = pino(
    {
      level,
      hooks: {
        logMethod(args, method) {
          const bounded = args.map((a: unknown) => (typeof a === "string" ? boundMessage(a) : a));
          return method.apply(this, bounded as Parameters<typeof method>);
        },
      },
      formatters: {
        log: (obj) => boundFields(obj),
        bindings: (bindings) => boundFields(bindings),
      },
    },
    destination,
  );
  // pino applies `formatters.bindings` to the root's bindings only; children (which inherit this
  // method) get theirs bounded here.
  // Unbound on purpose: it runs with the `this` of whichever logger (root or child) calls it.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, boundFields(bindings), options);
  } as Logger["child"];
  return logger;
}

export function boundFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = bound(v, 0);
  return out;
}

function bound(value: unknown, depth: number): unknown {
  if (typeof value === "string") return boundMessage(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= maxDepth) return "[…]";
  if (value instanceof Error) {
    // Keep Error instances for pino's err serializer unless their text needs cutting.
    if (value.message.length <= 1024 && (value.stack ?? "").length <= 4096) return value;
    const code = (value as { code?: unknown }).code;
    return { type: value.name, message: boundMessage(value.message), stack: boundMessage(value.stack ?? "", 4096), ...(code !== undefined && { code }) };
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, maxItems).map((v) => bound(v, depth + 1));
    return value.length > maxItems ? [...items, `…(+${value.length - maxItems} more)`] : items;
  }
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[boundMessage(k, 128)] = bound(v, depth + 1);
  return out;
}
