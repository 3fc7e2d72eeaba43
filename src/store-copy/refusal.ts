/** Why `berth store copy` would not copy (nothing was written to the database): the command says it and exits 1. */
export type RefusalReason = "no-state" | "server-running" | "schema-version" | "target-holds-state" | "target-in-use";

export class StoreCopyRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = "StoreCopyRefusal";
  }
}
