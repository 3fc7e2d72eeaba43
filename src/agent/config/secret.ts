/**
 * A configuration value that must never reach a log, an error message or a JSON dump: it prints
 * as `[redacted]` everywhere, and only {@link Secret.reveal} gives the value back.
 */
import { inspect } from "node:util";

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself, for the one place that needs it (signing a request, logging in to a registry). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [inspect.custom](): string {
    return "[redacted]";
  }
}
