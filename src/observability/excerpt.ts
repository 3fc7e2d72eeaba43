/** The longest excerpt of a client's value that a message or a log line quotes, by default. */
export const excerptChars = 64;

/** Control characters (C0, DEL, C1), line and paragraph separators, lone surrogates, backslash. */
const unsafe = /[\x00-\x1f\x7f-\x9f\u2028\u2029\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A client-supplied value as a message or a log line may quote it: at most `max` characters (then
 * `…(+N more)`, as AWS truncates), control characters, separators, lone surrogates and backslashes
 * escaped, so that neither a huge value nor a forged line break reaches a log or a response.
 */
export function excerpt(value: string | number | boolean | null | undefined, max: number = excerptChars): string {
  const text = value === undefined || value === null ? "" : String(value);
  return cut(text, max, (head) => head.replace(unsafe, (c) => (c === "\\" ? "\\\\" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)));
}

/** The longest message Berth returns to a client, and the longest string in one log field. */
export const messageChars = 1024;

/** A message cut to `max` characters: the last guard, behind the excerpts of the values it quotes. */
export function boundMessage(message: string, max: number = messageChars): string {
  return cut(message, max, (head) => head);
}

function cut(text: string, max: number, render: (head: string) => string): string {
  if (text.length <= max) return render(text);
  // Never split a surrogate pair.
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${render(text.slice(0, end))}…(+${text.length - end} more)`;
}
