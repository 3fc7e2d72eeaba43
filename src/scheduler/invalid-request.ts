/**
 * A placement request the engine cannot interpret (an unknown strategy field, a negative count).
 * The API layer validates requests before they get here, so reaching this means a caller bug or
 * a missing validation; the handler maps it to InvalidParameterException with this message.
 * (Syntax errors in memberOf expressions are QuerySyntaxError.)
 */
export class InvalidPlacementRequest extends Error {
  override readonly name = "InvalidPlacementRequest";
}
