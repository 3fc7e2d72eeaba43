import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideBatch, maxBatchBytes } from "./put-batch.js";
import { decodeFilterToken, decodeStreamToken, encodeFilterToken, encodeStreamToken } from "./tokens.js";

const now = Date.parse("2026-11-29T12:00:00Z");
const hour = 3_600_000;
const ev = (timestamp: number, message = "m") => ({ timestamp, message });

describe("PutLogEvents' batch rules", () => {
  it("keeps a batch within the limits whole", () => {
    assert.deepEqual(decideBatch([ev(now - 10), ev(now)], now, undefined), { start: 0, end: 2, rejected: undefined });
  });

  it("refuses a batch out of order, over 10,000 events, over 1 MB, or spanning more than 24 hours", () => {
    const cases = [
      [[ev(now), ev(now - 1)], /chronological order/],
      [Array.from({ length: 10_001 }, () => ev(now)), /at most 10000 events/],
      [[ev(now, "x".repeat(maxBatchBytes))], /Upload too large/],
      [[ev(now - 25 * hour), ev(now)], /cannot span more than 24 hours/],
      [[], /at least 1 event/],
    ] as const;
    for (const [events, why] of cases) {
      const d = decideBatch(events, now, undefined);
      assert.ok("refused" in d && why.test(d.refused), JSON.stringify(d));
    }
  });

  it("counts 26 bytes per event towards the 1 MB", () => {
    const size = Math.floor(maxBatchBytes / 2) - 26;
    assert.ok(!("refused" in decideBatch([ev(now, "a".repeat(size)), ev(now, "a".repeat(size))], now, undefined)));
    assert.ok("refused" in decideBatch([ev(now, "a".repeat(size + 1)), ev(now, "a".repeat(size))], now, undefined));
  });

  it("rejects events too old (14 days), expired (the group's retention) and too new (2 hours) by index", () => {
    const day = 24 * hour;
    assert.deepEqual(decideBatch([ev(now - 14 * day - 5), ev(now - 14 * day + 5)], now, undefined), { start: 1, end: 2, rejected: { tooOldLogEventEndIndex: 1 } });
    assert.deepEqual(decideBatch([ev(now - day - 5), ev(now - day + 5)], now, 1), { start: 1, end: 2, rejected: { expiredLogEventEndIndex: 1 } });
    assert.deepEqual(decideBatch([ev(now), ev(now + 2 * hour + 1), ev(now + 3 * hour)], now, undefined), { start: 0, end: 1, rejected: { tooNewLogEventStartIndex: 1 } });
  });
});

describe("tokens", () => {
  it("GetLogEvents' tokens are f/ or b/ and 56 digits, and read back", () => {
    const t = encodeStreamToken({ direction: "f", position: { timestamp: now, id: 42 } });
    assert.match(t, /^f\/\d{56}$/);
    assert.deepEqual(decodeStreamToken(t), { direction: "f", position: { timestamp: now, id: 42 } });
    for (const bad of ["f/123", "x/" + "0".repeat(56), "", "b/" + "9".repeat(56)]) assert.equal(decodeStreamToken(bad), undefined, bad);
  });

  it("FilterLogEvents' tokens read back, and anything else is refused", () => {
    assert.deepEqual(decodeFilterToken(encodeFilterToken({ timestamp: 5, id: 7 })), { timestamp: 5, id: 7 });
    for (const bad of ["", "not-a-token", Buffer.from('{"a":1}').toString("base64url")]) assert.equal(decodeFilterToken(bad), undefined, bad);
  });
});
