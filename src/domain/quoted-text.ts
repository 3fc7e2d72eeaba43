/**
 * The quoted string that opens at `start` (its quote character, `"` or `'`), a backslash taking
 * the character after it as it is: its text, and where it ends (just past its closing quote); or
 * undefined when it is not closed. The tokenizers of CloudWatch's search expressions, Metrics
 * Insights queries and CloudWatch Logs' JSON filter patterns read their quoted strings with it.
 */
export function readQuoted(text: string, start: number): { readonly value: string; readonly end: number } | undefined {
  const quote = text[start];
  let value = "";
  let i = start + 1;
  for (; i < text.length && text[i] !== quote; i++) {
    if (text[i] === "\\" && i + 1 < text.length) i++;
    value += text[i];
  }
  return i < text.length ? { value, end: i + 1 } : undefined;
}
