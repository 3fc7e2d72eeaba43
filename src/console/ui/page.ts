import type { Task } from "@aws-sdk/client-ecs";
import type { TemplateResult } from "lit-html";
import type { ShownError } from "../errors.js";
import type { FailureRow } from "../models.js";
import type { Api } from "./api.js";

/** The outcome of an action, shown above the page until the next action or page. */
export type Notice =
  | { readonly kind: "error"; readonly action: string; readonly error: ShownError }
  | { readonly kind: "done"; readonly text: string }
  | { readonly kind: "run-task"; readonly cluster: string; readonly started: readonly Task[]; readonly failures: readonly FailureRow[] };

export interface PageContext {
  readonly api: Api;
  /** The time the page was drawn (for "12 s ago"). */
  readonly now: number;
  /** Runs an action's API call; its notice (or the API's error) is shown and the page reloads. */
  act(action: string, call: () => Promise<Notice>): void;
}

/** A loaded page: what it shows, drawn again on every change without another API call. */
export interface Page {
  readonly title: string;
  render(ctx: PageContext): TemplateResult;
}
