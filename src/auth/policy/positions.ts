/** A place in a policy document's text: 1-based line and column, as IAM's simulator reports them. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Where a statement begins (its `{`) and ends (its `}`) in the document's text. */
export interface Span {
  readonly start: Position;
  readonly end: Position;
}

/**
 * The spans of a policy document's statements, in statement order (`Statement` as an array or as
 * one object), read from the text as stored. The text was already checked as a policy; a text this
 * scanner cannot follow gives no spans rather than wrong ones.
 */
export function statementSpans(text: string): readonly Span[] {
  try {
    return new Scanner(text).statements();
  } catch {
    return [];
  }
}

class Scanner {
  private i = 0;
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let k = 0; k < text.length; k++) if (text[k] === "\n") this.lineStarts.push(k + 1);
  }

  statements(): Span[] {
    this.expect("{");
    const spans: Span[] = [];
    while (this.peek() !== "}") {
      const key = this.string();
      this.expect(":");
      if (key !== "Statement") this.value();
      else if (this.peek() === "[") {
        this.expect("[");
        while (this.peek() !== "]") {
          spans.push(this.spanOfValue());
          if (this.peek() === ",") this.expect(",");
        }
        this.expect("]");
      } else spans.push(this.spanOfValue());
      if (this.peek() === ",") this.expect(",");
    }
    return spans;
  }

  private spanOfValue(): Span {
    this.peek();
    const start = this.i;
    this.value();
    return { start: this.position(start), end: this.position(this.i - 1) };
  }

  private position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  /** Skips whitespace; the next character. */
  private peek(): string {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
    if (this.i >= this.text.length) throw new Error("end of text");
    return this.text[this.i]!;
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw new Error(`expected ${c}`);
    this.i++;
  }

  private string(): string {
    this.expect('"');
    const start = this.i - 1;
    while (this.text[this.i] !== '"') {
      if (this.i >= this.text.length) throw new Error("unterminated string");
      this.i += this.text[this.i] === "\\" ? 2 : 1;
    }
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private value(): void {
    const c = this.peek();
    if (c === '"') {
      this.string();
      return;
    }
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      this.i++;
      while (this.peek() !== close) {
        if (c === "{") {
          this.string();
          this.expect(":");
        }
        this.value();
        if (this.peek() === ",") this.i++;
      }
      this.i++;
      return;
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.i, this.i + 64));
    if (!m) throw new Error("unexpected value");
    this.i += m[0].length;
  }
}
