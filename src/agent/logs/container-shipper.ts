import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { PutLogEventsCommand } from "../../aws-sdk/cloudwatch-logs.js";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { maxBatchBytes, maxBatchEvents, perEventOverheadBytes } from "../../domain/logs/put-batch.js";
import { resumeToken } from "../../domain/logs/resume-token.js";
import type { AwslogsTarget } from "./awslogs-label.js";
import type { CursorFiles } from "./cursor-file.js";
import { ensureLogStream } from "./log-stream.js";
import { advance, decodeCursor, encodeCursor, FrameDecoder, sinceOf, type LogCursor } from "./docker-lines.js";
import { MultilineJoiner } from "./multiline.js";

export interface ShipperDeps {
  readonly docker: Docker;
  readonly logs: CloudWatchLogsClient;
  readonly cursors: CursorFiles;
  readonly logger: Logger;
  /** How long a line may wait for its batch (ms). */
  readonly flushMs: number;
  /** The start of a multi-line event (awslogs-multiline-pattern / awslogs-datetime-format), when set. */
  readonly eventStart?: RegExp | undefined;
}

const maxEventChars = 256 * 1024 - perEventOverheadBytes;
const maxBackoffMs = 5_000;

/** One event to send: its first line's time, its text, and the log's position after its last line. */
interface ShipEvent {
  readonly timestampMs: number;
  readonly message: string;
  readonly cursorAfter: LogCursor;
}

/** How long a multi-line event waits for more lines before it is sent as it is. */
const multilineQuietMs = 1000;
/**
 * After this long without a byte the log is read again from the cursor: Docker's follow mode can
 * stop delivering when json-file rotates under a reader that is behind (seen at 64 MB), while a
 * fresh read from `since` goes on through the rotated files.
 */
const quietReopenMs = 5000;

/** Why reading stopped: the log ended (the container stopped) or the server's position differs from ours. */
class Rewind extends Error {}

/**
 * Ships one container's lines to its log stream: reads Docker's log from the cursor, sends batches
 * in order (one in flight), and saves the cursor after each accepted batch. A server that is down
 * is retried with backoff while Docker keeps the lines (reading waits: the batch is bounded). After
 * an agent restart the server's own record of the last batch (InvalidSequenceTokenException's
 * expectedSequenceToken) says where to read on from, so a line is neither lost nor sent twice.
 */
export class ContainerShipper {
  private cursor: LogCursor | undefined;
  private batch: ShipEvent[] = [];
  private readonly joiner: MultilineJoiner<ShipEvent> | undefined;
  private lastLineAt = 0;
  private batchBytes = 0;
  private flushing: Promise<void> = Promise.resolve();
  private sending = false;
  private readonly stream: string;
  private rewindTo: string | undefined;

  constructor(
    private readonly containerId: string,
    private readonly target: AwslogsTarget,
    private readonly deps: ShipperDeps,
  ) {
    this.stream = target.stream ?? containerId;
    this.joiner = deps.eventStart && new MultilineJoiner<ShipEvent>(deps.eventStart);
  }

  /** Ships until the container's log ends (it stopped) and every line is sent, or `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    this.cursor = this.deps.cursors.read(this.containerId);
    await this.retrying(signal, () => this.ensureStream());
    for (;;) {
      if (signal.aborted) return;
      let running: boolean;
      try {
        running = await this.readOnce(signal);
      } catch (e) {
        // Removed by Docker (the task's cleanup): its log is gone with it, nothing is left to read.
        if (typeof e === "object" && e !== null && "statusCode" in e && e.statusCode === 404) return;
        throw e;
      }
      if (this.rewindTo !== undefined) {
        this.cursor = decodeCursor(this.rewindTo);
        this.deps.cursors.write(this.containerId, this.cursor);
        this.rewindTo = undefined;
        this.batch = [];
        this.batchBytes = 0;
        this.joiner?.take();
        continue;
      }
      if (!running) return;
      await sleep(200, signal);
    }
  }

  /** One pass over the log from the cursor; resolves whether the container is still running. */
  private async readOnce(signal: AbortSignal): Promise<boolean> {
    const container = this.deps.docker.getContainer(this.containerId);
    const resumeAt = this.cursor;
    // A microsecond early: a double cannot carry nanoseconds, and lines before the cursor are skipped below.
    const since = resumeAt ? Math.max(0, Number(sinceOf(resumeAt.time)) - 1e-6) : 0;
    let skipping = resumeAt;
    let readCursor = resumeAt;
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    signal.addEventListener("abort", onAbort);
    let lastChunkAt = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - lastChunkAt >= quietReopenMs) ac.abort();
      if (this.joiner && this.joiner.size > 0 && Date.now() - this.lastLineAt >= multilineQuietMs) this.addEvent(this.joiner.take());
      void this.flush(signal, false).catch(() => undefined);
    }, this.deps.flushMs);
    try {
      const stream = (await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true, since, abortSignal: ac.signal }));
      const decoder = new FrameDecoder();
      try {
        for await (const chunk of stream) {
          lastChunkAt = Date.now();
          for (const line of decoder.push(chunk as Buffer)) {
            if (skipping !== undefined) {
              const c = compareTimes(line.time, skipping.time);
              if (c < 0) continue;
              if (c === 0 && skipping.count > 0) {
                skipping = { time: skipping.time, count: skipping.count - 1 };
                continue;
              }
              skipping = undefined;
            }
            readCursor = advance(readCursor, line);
            this.lastLineAt = Date.now();
            const event = { timestampMs: line.timestampMs, message: line.message, cursorAfter: readCursor };
            if (this.joiner) this.addEvent(this.joiner.push(event));
            else this.addEvent([event]);
            if (this.batch.length >= maxBatchEvents || this.batchBytes >= maxBatchBytes * 0.9) await this.flush(signal, true);
            if (this.rewindTo !== undefined) throw new Rewind();
          }
        }
      } catch (e) {
        if (!(e instanceof Rewind) && !signal.aborted && !ac.signal.aborted) throw e;
      }
      clearInterval(timer);
      if (this.rewindTo === undefined) this.addEvent(this.joiner?.take());
      await this.flush(signal, true);
      if (this.rewindTo !== undefined) return true;
      const state = await container.inspect();
      return state.State.Running;
    } finally {
      clearInterval(timer);
      ac.abort();
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Queues one event made of `lines` (several for a multi-line event), cut to CloudWatch's 256 KB. */
  private addEvent(lines: readonly ShipEvent[] | undefined): void {
    const first = lines?.[0];
    const last = lines?.at(-1);
    if (!first || !last) return;
    const text = lines.length === 1 ? first.message : lines.map((l) => l.message).join("\n");
    // CloudWatch refuses empty events; the line still moves the cursor.
    const message = text === "" ? " " : text.length > maxEventChars ? text.slice(0, maxEventChars) : text;
    this.batch.push({ timestampMs: first.timestampMs, message, cursorAfter: last.cursorAfter });
    this.batchBytes += Buffer.byteLength(message) + perEventOverheadBytes;
  }

  /** Sends what is batched, after any send in flight; `wait` resolves once it is accepted. */
  private flush(signal: AbortSignal, wait: boolean): Promise<void> {
    // The timer's flush waits for none: one send in flight at a time, and the chain never grows while the server is away.
    if (!wait && (this.batch.length === 0 || this.sending)) return Promise.resolve();
    this.flushing = this.flushing.then(async () => {
      this.sending = true;
      try {
        await this.send(signal);
      } finally {
        this.sending = false;
      }
    });
    return this.flushing;
  }

  private async send(signal: AbortSignal): Promise<void> {
    while (this.batch.length > 0 && this.rewindTo === undefined && !signal.aborted) {
      const lines = this.takeBatch();
      const after = lines.at(-1)!.cursorAfter;
      // Docker's order is the log's order; CloudWatch's batches must not go back in time.
      let floor = 0;
      const events = lines.map((l) => ({ timestamp: (floor = Math.max(floor, l.timestampMs)), message: l.message }));
      const sequenceToken = resumeToken(encodeCursor(this.cursor), encodeCursor(after));
      const outcome = await this.retrying(signal, async () => {
        try {
          await this.deps.logs.send(new PutLogEventsCommand({ logGroupName: this.target.group, logStreamName: this.stream, logEvents: events, sequenceToken }));
          return "sent";
        } catch (e) {
          if (e instanceof Error && e.name === "InvalidSequenceTokenException" && "expectedSequenceToken" in e && typeof e.expectedSequenceToken === "string") {
            this.rewindTo = e.expectedSequenceToken;
            this.deps.logger.warn({ container: this.containerId.slice(0, 12), stream: this.stream }, "the stream holds lines this agent had not recorded as sent (a restart): reading on from the stream's position");
            return "rewind";
          }
          if (e instanceof Error && e.name === "ResourceNotFoundException") await this.ensureStream();
          throw e;
        }
      });
      if (outcome !== "sent") return;
      this.cursor = after;
      this.deps.cursors.write(this.containerId, after);
    }
  }

  private takeBatch(): ShipEvent[] {
    let bytes = 0;
    let n = 0;
    while (n < this.batch.length && n < maxBatchEvents) {
      const size = Buffer.byteLength(this.batch[n]!.message) + perEventOverheadBytes;
      if (bytes + size > maxBatchBytes) break;
      bytes += size;
      n++;
    }
    // A batch spans at most 24 hours: cut it where a line is a day after the first.
    const first = this.batch[0]!.timestampMs;
    const day = this.batch.findIndex((l, i) => i < n && l.timestampMs - first > 86_000_000);
    if (day > 0) n = day;
    const lines = this.batch.slice(0, n);
    this.batch = this.batch.slice(n);
    this.batchBytes -= bytes;
    return lines;
  }

  private ensureStream(): Promise<void> {
    return ensureLogStream(this.deps.logs, this.target, this.stream);
  }

  /** Runs `fn` until it succeeds or `signal` aborts, backing off up to 5 s between tries. */
  private async retrying<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T | "aborted"> {
    let delay = 100;
    for (;;) {
      if (signal.aborted) return "aborted";
      try {
        return await fn();
      } catch (e) {
        const where = { err: e, container: this.containerId.slice(0, 12), group: this.target.group, stream: this.stream };
        // A refusal names the identity that shipped (the task's execution role, or the agent): its policy must change for the lines to go.
        if (denied(e)) this.deps.logger.warn(where, "the server refused this container's log lines (AccessDenied); they stay in Docker's log and are sent once allowed");
        else this.deps.logger.warn(where, "shipping logs failed; retrying");
        await sleep(delay * (0.5 + Math.random()), signal);
        delay = Math.min(maxBackoffMs, delay * 2);
      }
    }
  }
}

const denied = (e: unknown): boolean => e instanceof Error && (e.name === "AccessDeniedException" || (e.cause instanceof Error && e.cause.name === "AccessDeniedException"));

/** Orders two RFC 3339 times with nanoseconds (Docker trims trailing zeros, so text order is not time order). */
function compareTimes(a: string, b: string): number {
  const [sa, na] = sinceOf(a).split(".");
  const [sb, nb] = sinceOf(b).split(".");
  return Number(sa) - Number(sb) || (na ?? "").localeCompare(nb ?? "");
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
