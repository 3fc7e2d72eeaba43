import {
  type Argument,
  type ArgumentValue,
  type Expression,
  Operator,
  operatorsBySubject,
  type Subject,
  subjectText,
} from "./ast.js";
import { QuerySyntaxError } from "./syntax-error.js";
import { type Token, tokenize } from "./tokenizer.js";
import { parseDate, parseNumber, parseVersion } from "./values.js";

/**
 * Grammar (lowest precedence first; `not` binds tighter than `and`, which binds tighter than `or`):
 *
 *   expression := and-expr (("or" | "||") and-expr)*
 *   and-expr   := unary (("and" | "&&") unary)*
 *   unary      := ("not" | "!") unary | "(" expression ")" | comparison
 *   comparison := subject operator [argument]
 *   argument   := value | "[" value ("," value)* "]"       value := word | 'quoted' | "quoted"
 */

const operatorWords: Readonly<Record<string, Operator>> = {
  equals: Operator.eq,
  not_equals: Operator.ne,
  greater_than: Operator.gt,
  greater_than_equal: Operator.ge,
  less_than: Operator.lt,
  less_than_equal: Operator.le,
  exists: Operator.exists,
  not_exists: Operator.notExists,
  in: Operator.in,
  not_in: Operator.notIn,
  matches: Operator.matches,
  not_matches: Operator.notMatches,
};
const symbolicOperators = new Set<string>(Object.values(Operator));

/**
 * Parses a cluster query language expression into its syntax tree, converting every argument once
 * (regexes compiled, versions and dates parsed). Throws QuerySyntaxError naming the bad token and
 * its 0-based position. Used by memberOf placement constraints, the ListContainerInstances filter
 * and the task-definition validator.
 */
export function parseExpression(text: string): Expression {
  const parser = new Parser(tokenize(text));
  const expression = parser.expression();
  parser.expectEnd();
  return expression;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    // The tokenizer always ends the list with an `end` token, and `next` never passes it.
    return this.tokens[this.index] ?? { kind: "end", text: "", position: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index++;
    return token;
  }

  private isWord(token: Token, ...words: string[]): boolean {
    return token.kind === "word" && words.includes(token.text.toLowerCase());
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== "end") throw QuerySyntaxError.unexpected(token.text, token.position, "'and', 'or' or the end");
  }

  expression(): Expression {
    let left = this.andExpression();
    for (let t = this.peek(); this.isWord(t, "or") || (t.kind === "op" && t.text === "||"); t = this.peek()) {
      this.next();
      left = { kind: "or", left, right: this.andExpression() };
    }
    return left;
  }

  private andExpression(): Expression {
    let left = this.unary();
    for (let t = this.peek(); this.isWord(t, "and") || (t.kind === "op" && t.text === "&&"); t = this.peek()) {
      this.next();
      left = { kind: "and", left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expression {
    const token = this.peek();
    if (this.isWord(token, "not") || (token.kind === "op" && token.text === "!")) {
      this.next();
      return { kind: "not", operand: this.unary() };
    }
    if (token.kind === "(") {
      this.next();
      const inner = this.expression();
      const close = this.next();
      if (close.kind !== ")") throw QuerySyntaxError.unexpected(close.text, close.position, "')'");
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Expression {
    const subjectToken = this.next();
    const subject = parseSubject(subjectToken);
    const operatorToken = this.next();
    const operator = toOperator(operatorToken);
    if (!operatorsBySubject[subject.kind].includes(operator)) {
      throw QuerySyntaxError.invalid(`operator not supported for ${subjectText(subject)}`, operatorToken.text, operatorToken.position);
    }
    const argument = this.argument(subject, operator);
    return { kind: "comparison", subject, operator, argument, position: subjectToken.position };
  }

  private argument(subject: Subject, operator: Operator): Argument {
    if (operator === Operator.exists || operator === Operator.notExists) return { kind: "none" };
    if (operator === Operator.in || operator === Operator.notIn) return { kind: "list", values: this.list(subject) };
    const token = this.valueToken();
    if (operator === Operator.matches || operator === Operator.notMatches) return { kind: "pattern", text: token.text, regex: compilePattern(token) };
    return { kind: "value", value: convertValue(subject, token) };
  }

  private list(subject: Subject): ArgumentValue[] {
    const open = this.next();
    if (open.kind !== "[") throw QuerySyntaxError.unexpected(open.text, open.position, "'['");
    const values = [convertValue(subject, this.valueToken())];
    for (let t = this.next(); t.kind !== "]"; t = this.next()) {
      if (t.kind !== ",") throw QuerySyntaxError.unexpected(t.text, t.position, "',' or ']'");
      values.push(convertValue(subject, this.valueToken()));
    }
    return values;
  }

  private valueToken(): Token {
    const token = this.next();
    if (token.kind !== "word" && token.kind !== "string") throw QuerySyntaxError.unexpected(token.text, token.position, "a value");
    return token;
  }
}

function parseSubject(token: Token): Subject {
  if (token.kind === "word") {
    if (token.text.startsWith("attribute:") && token.text.length > "attribute:".length) {
      return { kind: "attribute", name: token.text.slice("attribute:".length) };
    }
    switch (token.text) {
      case "agentConnected":
      case "agentVersion":
      case "ec2InstanceId":
      case "registeredAt":
      case "runningTasksCount":
        return { kind: token.text };
      case "task:group":
        return { kind: "taskGroup" };
    }
  }
  throw QuerySyntaxError.unexpected(token.text, token.position, "a subject such as attribute:<name>, task:group or agentVersion");
}

function toOperator(token: Token): Operator {
  if (token.kind === "op" && symbolicOperators.has(token.text)) {
    for (const op of Object.values(Operator)) if (op === token.text) return op;
  }
  if (token.kind === "word") {
    const op = operatorWords[token.text.toLowerCase()];
    if (op !== undefined) return op;
  }
  throw QuerySyntaxError.unexpected(token.text, token.position, "an operator");
}

/** Java's `Pattern.matches` semantics: the whole value must match, so the pattern is anchored. */
function compilePattern(token: Token): RegExp {
  try {
    return new RegExp(`^(?:${token.text})$`, "u");
  } catch {
    throw QuerySyntaxError.invalid("invalid regular expression", token.text, token.position);
  }
}

/** Converts an argument to what its subject compares; a value the subject can never hold is a syntax error. */
function convertValue(subject: Subject, token: Token): ArgumentValue {
  const text = token.text;
  switch (subject.kind) {
    case "agentVersion": {
      const version = parseVersion(text);
      if (version === undefined) throw QuerySyntaxError.invalid("invalid agent version", text, token.position);
      return { text, version };
    }
    case "registeredAt": {
      const dateMs = parseDate(text);
      if (dateMs === undefined) throw QuerySyntaxError.invalid("invalid date (expected e.g. 2018-06-18 or 2018-06-18T22:28:28Z)", text, token.position);
      return { text, dateMs };
    }
    case "runningTasksCount": {
      const number = parseNumber(text);
      if (number === undefined || !Number.isInteger(number)) throw QuerySyntaxError.invalid("invalid task count", text, token.position);
      return { text, number };
    }
    case "agentConnected":
      if (text !== "true" && text !== "false") throw QuerySyntaxError.invalid("agentConnected is true or false", text, token.position);
      return { text };
    default: {
      const number = parseNumber(text);
      return number === undefined ? { text } : { text, number };
    }
  }
}
