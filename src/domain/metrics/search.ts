import { readQuoted } from "../quoted-text.js";
import type { MetricId } from "./series.js";

/**
 * CloudWatch search expressions: the query of `SEARCH(' {Namespace, Dim1, …} SearchTerm ', …)`,
 * parsed and matched against a metric as CloudWatch's syntax guide describes.
 *
 * - The schema `{Namespace, Dim1, …}` (names double-quoted when they hold spaces or other
 *   characters) keeps the metrics of that namespace whose dimension names are exactly those.
 * - A term is a partial match (`count`, `network/errors`), an exact match (`"CPUUtilization"`,
 *   with `\"`, `\\`, `\(` and `\)` escaped), or either after a designator: `MetricName=`,
 *   `Namespace=`, `:aws.AccountId=` or a dimension's name (`InstanceType=micro`,
 *   `"LoadBalancer"=("lb1" OR "lb2")`). Without a designator a term matches the namespace, the
 *   metric's name, a dimension's name or a dimension's value.
 * - Terms combine with `AND` (or nothing between them), `OR`, `NOT` and parentheses; the
 *   operators are upper case.
 *
 * Partial matching works on tokens: a name splits at non-alphanumeric characters into words and
 * each word at its camel-case humps and digit runs into parts (`CustomCount1`: Custom, Count, 1);
 * its tokens are its parts and all of them joined, in lower case. A search term of one part, or
 * the whole name, matches a token in any case (`count`, `COUNT`, `customcount1`); a term of
 * several parts matches where they stand in a row in the name, a word's parts in the case written
 * (`CustomCount`, `Count1`, not `count1`), a word of one part in any case (`network/errors` finds
 * `Network-Errors-2`).
 */
export type SearchCondition =
  | { readonly kind: "and" | "or"; readonly items: readonly SearchCondition[] }
  | { readonly kind: "not"; readonly item: SearchCondition }
  | { readonly kind: "term"; readonly property?: string | undefined; readonly text: string; readonly exact: boolean };

export interface SearchQuery {
  readonly schema?: { readonly namespace: string; readonly dimensionNames: readonly string[] } | undefined;
  readonly condition?: SearchCondition | undefined;
}

export class SearchError extends Error {
  override readonly name = "SearchError";
}

const maxQueryLength = 1024;

type Token = { readonly kind: "word" | "quoted"; readonly text: string } | { readonly kind: "punct"; readonly text: "(" | ")" | "=" | "{" | "}" | "," };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const quoted = readQuoted(text, i);
      if (!quoted) throw new SearchError("A double-quoted term of the search is not closed.");
      out.push({ kind: "quoted", text: quoted.value });
      i = quoted.end;
    } else if ("()={},".includes(c)) {
      out.push({ kind: "punct", text: c as "(" | ")" | "=" | "{" | "}" | "," });
      i++;
    } else {
      const start = i;
      while (i < text.length && !/[\s()={},"]/.test(text[i]!)) i++;
      out.push({ kind: "word", text: text.slice(start, i) });
    }
  }
  return out;
}

/** Parses a search query (the first argument of SEARCH, without its single quotes). */
export function parseSearch(text: string): SearchQuery {
  if (text.length > maxQueryLength) throw new SearchError(`The search is longer than ${maxQueryLength} characters.`);
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isPunct = (t: Token | undefined, p: string): boolean => t?.kind === "punct" && t.text === p;
  const isOperator = (t: Token | undefined, op: string): boolean => t?.kind === "word" && t.text === op;
  const name = (what: string): string => {
    const t = tokens[i++];
    if (t?.kind !== "word" && t?.kind !== "quoted") throw new SearchError(`Expected ${what} in the search's schema {Namespace, DimensionName, …}.`);
    return t.text;
  };

  let schema: SearchQuery["schema"];
  if (isPunct(peek(), "{")) {
    i++;
    const namespace = name("a namespace");
    const dimensionNames: string[] = [];
    while (isPunct(peek(), ",")) {
      i++;
      dimensionNames.push(name("a dimension name"));
    }
    if (!isPunct(tokens[i++], "}")) throw new SearchError("The search's schema {Namespace, DimensionName, …} is not closed by '}'.");
    schema = { namespace, dimensionNames };
    if (isPunct(peek(), ",")) i++;
  }

  const or = (property: string | undefined): SearchCondition => {
    const items = [and(property)];
    while (isOperator(peek(), "OR")) {
      i++;
      items.push(and(property));
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };
  const startsOperand = (t: Token | undefined): boolean => t !== undefined && !isPunct(t, ")") && !isOperator(t, "OR") && !isOperator(t, "AND");
  const and = (property: string | undefined): SearchCondition => {
    const items = [not(property)];
    for (;;) {
      if (isOperator(peek(), "AND")) i++;
      else if (!startsOperand(peek())) break;
      items.push(not(property));
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const not = (property: string | undefined): SearchCondition => {
    if (!isOperator(peek(), "NOT")) return primary(property);
    i++;
    return { kind: "not", item: not(property) };
  };
  const primary = (property: string | undefined): SearchCondition => {
    const t = tokens[i++];
    if (t === undefined) throw new SearchError("The search ends where a term was expected.");
    if (isPunct(t, "(")) {
      const inner = or(property);
      if (!isPunct(tokens[i++], ")")) throw new SearchError("A '(' of the search is not closed by ')'.");
      return inner;
    }
    if (t.kind === "punct") throw new SearchError(`Unexpected '${t.text}' in the search.`);
    if (isPunct(peek(), "=")) {
      if (property !== undefined) throw new SearchError(`A designator (${t.text.slice(0, 64)}=) cannot stand inside another designator's value.`);
      i++;
      return primary(t.text);
    }
    return { kind: "term", property, text: t.text, exact: t.kind === "quoted" };
  };

  const condition = i < tokens.length ? or(undefined) : undefined;
  if (i < tokens.length) throw new SearchError(`Unexpected '${tokens[i]!.text.slice(0, 64)}' in the search.`);
  if (!schema && !condition) throw new SearchError("A search needs a schema ({Namespace, DimensionName, …}), a search term, or both.");
  return { schema, condition };
}

/** Whether `metric` (of account `accountId`) is one the search finds. */
export function searchMatches(search: SearchQuery, metric: MetricId, accountId: string): boolean {
  const { schema, condition } = search;
  if (schema) {
    if (metric.namespace !== schema.namespace || metric.dimensions.length !== schema.dimensionNames.length) return false;
    if (!schema.dimensionNames.every((n) => metric.dimensions.some((d) => d.name === n))) return false;
  }
  return condition === undefined || holds(condition, metric, accountId);
}

function holds(c: SearchCondition, metric: MetricId, accountId: string): boolean {
  switch (c.kind) {
    case "and":
      return c.items.every((x) => holds(x, metric, accountId));
    case "or":
      return c.items.some((x) => holds(x, metric, accountId));
    case "not":
      return !holds(c.item, metric, accountId);
    case "term": {
      if (c.property === ":aws.AccountId") return c.text === accountId || c.text === "LOCAL";
      const candidates =
        c.property === undefined
          ? [metric.namespace, metric.metricName, ...metric.dimensions.flatMap((d) => [d.name, d.value])]
          : c.property === "MetricName"
            ? [metric.metricName]
            : c.property === "Namespace"
              ? [metric.namespace]
              : metric.dimensions.filter((d) => d.name === c.property).map((d) => d.value);
      return candidates.some((s) => (c.exact ? s === c.text : partialMatch(c.text, s)));
    }
  }
}

/** A name's words (split at non-alphanumeric characters), each split into its parts. */
const wordsOf = (s: string): string[][] => s.split(/[^A-Za-z0-9]+/).flatMap((w) => (w === "" ? [] : [w.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []]));

/** Whether a partial search term finds `name` (see the rules above). */
export function partialMatch(term: string, name: string): boolean {
  const termWords = wordsOf(term);
  const nameParts = wordsOf(name).flat();
  if (termWords.length === 0) return false;
  // The whole name is a token too (its parts joined, in lower case).
  const whole = termWords.flat().join("").toLowerCase();
  if (whole === nameParts.join("").toLowerCase()) return true;
  if (termWords.length === 1 && termWords[0]!.length === 1) return nameParts.some((p) => p.toLowerCase() === whole);
  // Each part of the term, and whether it is compared in its case (a part of a word of several parts).
  const wanted = termWords.flatMap((w) => w.map((part) => ({ part, cased: w.length > 1 })));
  const same = (have: string, want: { part: string; cased: boolean }): boolean => (want.cased ? have === want.part : have.toLowerCase() === want.part.toLowerCase());
  for (let start = 0; start + wanted.length <= nameParts.length; start++) {
    if (wanted.every((w, k) => same(nameParts[start + k]!, w))) return true;
  }
  return false;
}
