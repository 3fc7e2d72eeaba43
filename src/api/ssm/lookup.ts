import type { ParameterVersionRecord } from "../../state/parameter-records.js";
import type { ReadTx } from "../../state/store.js";
import type { ParameterRef, Selector } from "./names.js";

/** What a name (with its selector) comes to: the version it names, or why there is none. */
export type Lookup =
  | { readonly found: ParameterVersionRecord; readonly ref: ParameterRef }
  | { readonly missing: "parameter" }
  | { readonly missing: "version"; readonly name: string; readonly selector: Selector };

/** The version a reference names: the newest, or the selector's version or label, of the first candidate name that exists. */
export async function lookUp(tx: ReadTx, ref: ParameterRef): Promise<Lookup> {
  for (const name of ref.candidates) {
    const current = await tx.parameters.get(name);
    if (!current) continue;
    const { selector } = ref;
    if (!selector) return { found: current, ref };
    const found = "version" in selector ? await tx.parameters.version(name, selector.version) : await tx.parameters.labelled(name, selector.label);
    return found ? { found, ref } : { missing: "version", name, selector };
  }
  return { missing: "parameter" };
}
