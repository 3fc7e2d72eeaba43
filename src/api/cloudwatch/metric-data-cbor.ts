import { regularTimesKey, type MetricDataOutput } from "./metric-data-output.js";

/**
 * GetMetricData's answer written straight as RPC v2 CBOR: the bytes `cbor.serialize` of Smithy
 * writes for the plain answer with its timestamps as tag 1 (the unit test compares them), without
 * a Date, a tag object or a boxed number per datapoint on the way (a call can hold 100,800).
 * Numbers as Smithy's encoder writes them: a safe integer in the shortest integer form, anything
 * else a float64; timestamps as tag 1 over epoch seconds.
 */
export function metricDataCbor(o: MetricDataOutput): Uint8Array {
  let bound = 64 + 3 * (o.NextToken?.length ?? 0);
  for (const r of o.MetricDataResults) bound += 100 + 3 * (r.Id.length + r.Label.length) + 19 * r.values.length;
  const w = new CborWriter(Buffer.allocUnsafe(bound));
  // Series with every period present share their timestamps: their bytes are written once per call.
  const timesBytes = new Map<string, Buffer>();
  w.head(map, o.NextToken === undefined ? 2 : 3);
  w.text("MetricDataResults");
  w.head(array, o.MetricDataResults.length);
  for (const r of o.MetricDataResults) {
    w.head(map, 5);
    w.text("Id");
    w.text(r.Id);
    w.text("Label");
    w.text(r.Label);
    w.text("Timestamps");
    w.timestamps(r.timesMs, timesBytes);
    w.text("Values");
    w.head(array, r.values.length);
    for (const v of r.values) w.number(v);
    w.text("StatusCode");
    w.text(r.StatusCode);
  }
  w.text("Messages");
  w.head(array, 0);
  if (o.NextToken !== undefined) {
    w.text("NextToken");
    w.text(o.NextToken);
  }
  return w.done();
}

const [uint, negative, text, array, map, tag] = [0, 1, 3, 4, 5, 6];
const float64 = 0xfb;

class CborWriter {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  head(major: number, n: number): void {
    const b = this.buf;
    if (n < 24) b[this.at++] = (major << 5) | n;
    else if (n < 0x100) {
      b[this.at++] = (major << 5) | 24;
      b[this.at++] = n;
    } else if (n < 0x10000) {
      b[this.at++] = (major << 5) | 25;
      this.at = b.writeUInt16BE(n, this.at);
    } else if (n < 0x100000000) {
      b[this.at++] = (major << 5) | 26;
      this.at = b.writeUInt32BE(n, this.at);
    } else {
      b[this.at++] = (major << 5) | 27;
      this.at = b.writeBigUInt64BE(BigInt(n), this.at);
    }
  }

  text(s: string): void {
    this.head(text, Buffer.byteLength(s));
    this.at += this.buf.write(s, this.at);
  }

  number(x: number): void {
    if (Number.isInteger(x) && x >= -0x20000000000000 && x <= 0x1fffffffffffff) this.head(x >= 0 ? uint : negative, x >= 0 ? x : -x - 1);
    else {
      this.buf[this.at++] = float64;
      this.at = this.buf.writeDoubleBE(x, this.at);
    }
  }

  /** An array of tag-1 timestamps; a regular series' bytes are kept in `memo` for the next series like it. */
  timestamps(timesMs: Float64Array, memo: Map<string, Buffer>): void {
    const n = timesMs.length;
    const key = regularTimesKey(timesMs);
    const known = key === undefined ? undefined : memo.get(key);
    if (known !== undefined) {
      this.at += known.copy(this.buf, this.at);
      return;
    }
    const start = this.at;
    this.head(array, n);
    for (let i = 0; i < n; i++) {
      this.head(tag, 1);
      this.number(timesMs[i]! / 1000);
    }
    if (key !== undefined) memo.set(key, Buffer.from(this.buf.subarray(start, this.at)));
  }

  done(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }
}
