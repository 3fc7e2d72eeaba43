import { encodeFrame, opcodes, textFrame } from "./raw-agent-session.js";

/**
 * Every kind of malformed input on a live agent session, and how the session must end. Close codes
 * are RFC 6455's as ws and the hub send them: 1002 protocol error, 1003 unsupported data,
 * 1007 invalid payload, 1009 message too big.
 */
export interface MalformedFrameCase {
  readonly name: string;
  /** What the client writes, in order, right after the upgrade. */
  readonly bytes: readonly Buffer[];
  /** The close code the server must send, or "drop" when the client itself goes away mid-frame. */
  readonly expect: number | "drop";
}

const maxPayloadBytes = 16 << 20;

/** A hello listing `n` reports that are not task reports at all. */
const garbageHello = (n: number): string =>
  JSON.stringify({ type: "hello", protocolVersion: 1, tasks: Array.from({ length: n }, (_, i) => ({ taskArn: i, status: "EXPLODED", containers: "none" })) });

export const malformedFrameCases: readonly MalformedFrameCase[] = [
  { name: "a text frame with invalid UTF-8 (C3 28)", bytes: [textFrame(Buffer.from([0xc3, 0x28]))], expect: 1007 },
  { name: "invalid UTF-8 split over two fragments", bytes: [textFrame(Buffer.from('{"type":"\xc3', "latin1"), { fin: false }), encodeFrame({ opcode: opcodes.continuation, payload: Buffer.from([0x28, 0x22, 0x7d]) })], expect: 1007 },
  { name: "a frame over the 16 MB limit (header only)", bytes: [textFrame(Buffer.alloc(0), { declaredLength: maxPayloadBytes + 1 })], expect: 1009 },
  { name: "a frame claiming 2^53 bytes", bytes: [textFrame(Buffer.alloc(0), { declaredLength: Number.MAX_SAFE_INTEGER })], expect: 1009 },
  {
    name: "fragments adding up to more than 16 MB",
    bytes: [textFrame(Buffer.alloc(9 << 20, 0x20), { fin: false }), encodeFrame({ opcode: opcodes.continuation, declaredLength: 9 << 20 })],
    expect: 1009,
  },
  { name: "a reserved data opcode (0x3)", bytes: [encodeFrame({ opcode: 0x3, payload: Buffer.from("{}") })], expect: 1002 },
  { name: "a reserved control opcode (0xB)", bytes: [encodeFrame({ opcode: 0xb })], expect: 1002 },
  { name: "RSV1 set without a negotiated extension", bytes: [textFrame('{"type":"heartbeat"}', { rsv: 0b100 })], expect: 1002 },
  { name: "RSV2 and RSV3 set", bytes: [textFrame('{"type":"heartbeat"}', { rsv: 0b011 })], expect: 1002 },
  { name: "a close frame with code 999", bytes: [encodeFrame({ opcode: opcodes.close, payload: Buffer.from([0x03, 0xe7]) })], expect: 1002 },
  { name: "a close frame with a one-byte payload", bytes: [encodeFrame({ opcode: opcodes.close, payload: Buffer.from([0x03]) })], expect: 1002 },
  { name: "a close frame whose reason is invalid UTF-8", bytes: [encodeFrame({ opcode: opcodes.close, payload: Buffer.from([0x03, 0xe8, 0xc3, 0x28]) })], expect: 1007 },
  { name: "an unmasked client frame", bytes: [textFrame('{"type":"heartbeat"}', { masked: false })], expect: 1002 },
  { name: "a fragmented ping", bytes: [encodeFrame({ opcode: opcodes.ping, fin: false })], expect: 1002 },
  { name: "a ping over 125 bytes", bytes: [encodeFrame({ opcode: opcodes.ping, payload: Buffer.alloc(126) })], expect: 1002 },
  { name: "a continuation frame with nothing to continue", bytes: [encodeFrame({ opcode: opcodes.continuation, payload: Buffer.from("{}") })], expect: 1002 },
  { name: "a new text frame inside a fragmented message", bytes: [textFrame('{"type":', { fin: false }), textFrame('"heartbeat"}')], expect: 1002 },
  { name: "a binary frame", bytes: [encodeFrame({ opcode: opcodes.binary, payload: Buffer.from('{"type":"heartbeat"}') })], expect: 1003 },
  { name: "a valid frame of invalid JSON", bytes: [textFrame('{"type":"hello",')], expect: 1007 },
  { name: "an empty text frame", bytes: [textFrame("")], expect: 1007 },
  { name: "JSON of the wrong shape (a list)", bytes: [textFrame("[1,2,3]")], expect: 1007 },
  { name: "an unknown message type", bytes: [textFrame('{"type":"launchRockets"}')], expect: 1007 },
  { name: "a hello with a string protocolVersion", bytes: [textFrame('{"type":"hello","protocolVersion":"1","tasks":[]}')], expect: 1007 },
  { name: "a taskState without a report", bytes: [textFrame('{"type":"taskState","id":1}')], expect: 1007 },
  { name: "a huge hello (about 4 MB) of garbage tasks", bytes: [textFrame(garbageHello(50_000))], expect: 1007 },
  { name: "a hello nested 100,000 levels deep", bytes: [textFrame(`{"type":"hello","protocolVersion":1,"tasks":${"[".repeat(100_000)}${"]".repeat(100_000)}}`)], expect: 1007 },
  { name: "a frame cut off half-way, then the client disconnects", bytes: [textFrame(JSON.stringify({ type: "heartbeat", pad: "x".repeat(1000) })).subarray(0, 500)], expect: "drop" },
];
