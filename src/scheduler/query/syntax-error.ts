/**
 * A cluster query expression that cannot be parsed. It names the offending token and its
 * character offset (0-based) so that an API handler can answer, in its own words,
 * `... expression ... unexpected token 'X' at position N`.
 *
 * This is an exception rather than a result because an unparseable expression is a caller's
 * input error that the API layer converts into `InvalidParameterException` in one place.
 */
export class QuerySyntaxError extends Error {
  override readonly name = "QuerySyntaxError";
  constructor(
    /** What was wrong, e.g. "unexpected token 'foo' at position 12". */
    message: string,
    /** The token text at fault; empty at the end of the input. */
    readonly token: string,
    /** 0-based character offset of that token in the expression. */
    readonly position: number,
  ) {
    super(message);
  }

  static unexpected(token: string, position: number, expected?: string): QuerySyntaxError {
    const what = token === "" ? "unexpected end of expression" : `unexpected token '${token}'`;
    const hint = expected === undefined ? "" : ` (expected ${expected})`;
    return new QuerySyntaxError(`${what} at position ${position}${hint}`, token, position);
  }

  static invalid(detail: string, token: string, position: number): QuerySyntaxError {
    return new QuerySyntaxError(`${detail}: '${token}' at position ${position}`, token, position);
  }
}
