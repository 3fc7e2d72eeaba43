/** GetRandomPassword's request, defaults applied (Secrets Manager's: 32 characters, every type, each at least once). */
export interface PasswordOptions {
  readonly length: number;
  readonly excludeCharacters: string;
  readonly excludeNumbers: boolean;
  readonly excludePunctuation: boolean;
  readonly excludeUppercase: boolean;
  readonly excludeLowercase: boolean;
  readonly includeSpace: boolean;
  readonly requireEachIncludedType: boolean;
}

export const defaultPasswordOptions: PasswordOptions = {
  length: 32,
  excludeCharacters: "",
  excludeNumbers: false,
  excludePunctuation: false,
  excludeUppercase: false,
  excludeLowercase: false,
  includeSpace: false,
  requireEachIncludedType: true,
};

/** The punctuation Secrets Manager draws from: every printable ASCII character that is not a letter, a digit or a space. */
export const punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/**
 * A password as GetRandomPassword makes one, or why none can be made (Secrets Manager's
 * InvalidParameterException). `randomInt(n)` is a whole number below `n` from a cryptographic
 * source: the result is a credential. With `requireEachIncludedType`, one character of each type
 * left after the exclusions (lowercase, uppercase, digits, punctuation; never the space) is drawn
 * first, the rest from all of them, and the whole shuffled.
 */
export function randomPassword(o: PasswordOptions, randomInt: (n: number) => number): string | { readonly problem: string } {
  const excluded = new Set(o.excludeCharacters);
  const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c)).join("");
  const types = [
    o.excludeLowercase ? "" : keep("abcdefghijklmnopqrstuvwxyz"),
    o.excludeUppercase ? "" : keep("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    o.excludeNumbers ? "" : keep("0123456789"),
    o.excludePunctuation ? "" : keep(punctuation),
  ].filter((t) => t.length > 0);
  const all = types.join("") + (o.includeSpace && !excluded.has(" ") ? " " : "");
  if (all.length === 0) return { problem: "The password can't be generated: every character type is excluded." };
  const required = o.requireEachIncludedType ? types : [];
  if (o.length < required.length) return { problem: "Password length is too short based on the required types." };
  const pick = (chars: string): string => chars[randomInt(chars.length)]!;
  const chars = [...required.map(pick), ...Array.from({ length: o.length - required.length }, () => pick(all))];
  // Fisher–Yates: the required characters end up anywhere.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}
