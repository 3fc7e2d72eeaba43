/**
 * The syntax tree of ECS's cluster query language (memberOf expressions and the
 * ListContainerInstances `filter`). A tree is built once by `parseExpression` and then evaluated
 * against many instances, so every argument arrives here already converted to the form its
 * subject compares in (a compiled regex, a parsed version, a date in epoch milliseconds).
 */

/** Fields of a container instance an expression can test. `taskGroup` is written `task:group`. */
export const SubjectKind = {
  attribute: "attribute",
  agentConnected: "agentConnected",
  agentVersion: "agentVersion",
  ec2InstanceId: "ec2InstanceId",
  registeredAt: "registeredAt",
  runningTasksCount: "runningTasksCount",
  taskGroup: "taskGroup",
} as const;
export type SubjectKind = (typeof SubjectKind)[keyof typeof SubjectKind];

export type Subject = { readonly kind: "attribute"; readonly name: string } | { readonly kind: Exclude<SubjectKind, "attribute"> };

/** Operators in their symbolic form; the word forms (`equals`, `not_in`, …) parse to these. */
export const Operator = {
  eq: "==",
  ne: "!=",
  gt: ">",
  ge: ">=",
  lt: "<",
  le: "<=",
  exists: "exists",
  notExists: "!exists",
  in: "in",
  notIn: "!in",
  matches: "=~",
  notMatches: "!~",
} as const;
export type Operator = (typeof Operator)[keyof typeof Operator];

/**
 * One argument value, pre-converted. `text` is always kept (string equality, messages);
 * the other members are set when the text has that shape.
 */
export interface ArgumentValue {
  readonly text: string;
  /** A finite number, for numeric comparison of attributes and runningTasksCount. */
  readonly number?: number;
  /** Dotted version parts, for agentVersion. */
  readonly version?: readonly number[];
  /** Epoch milliseconds, for registeredAt. */
  readonly dateMs?: number;
}

export type Argument =
  | { readonly kind: "none" }
  | { readonly kind: "value"; readonly value: ArgumentValue }
  | { readonly kind: "list"; readonly values: readonly ArgumentValue[] }
  | { readonly kind: "pattern"; readonly text: string; readonly regex: RegExp };

export interface Comparison {
  readonly kind: "comparison";
  readonly subject: Subject;
  readonly operator: Operator;
  readonly argument: Argument;
  /** Character offset of the subject in the source text (for messages). */
  readonly position: number;
}

export type Expression =
  | Comparison
  | { readonly kind: "and"; readonly left: Expression; readonly right: Expression }
  | { readonly kind: "or"; readonly left: Expression; readonly right: Expression }
  | { readonly kind: "not"; readonly operand: Expression };

/**
 * Which operators each subject accepts, from the ECS "Cluster query language" page. The page
 * gives no list for `task:group`; its examples use `==` (affinity) under `not(...)` (anti-affinity).
 * Berth also accepts `!=`, `in`, `!in`, `=~`, `!~` there, read over the set of groups on the instance.
 */
const stringOperators: readonly Operator[] = ["==", "!=", "in", "!in", "=~", "!~"];
const orderedOperators: readonly Operator[] = ["==", "!=", ">", ">=", "<", "<="];
export const operatorsBySubject: Readonly<Record<SubjectKind, readonly Operator[]>> = {
  attribute: Object.values(Operator),
  agentConnected: stringOperators,
  ec2InstanceId: stringOperators,
  agentVersion: orderedOperators,
  registeredAt: orderedOperators,
  runningTasksCount: orderedOperators,
  taskGroup: stringOperators,
};

/** Renders a subject back the way a user writes it. */
export const subjectText = (subject: Subject): string =>
  subject.kind === "attribute" ? `attribute:${subject.name}` : subject.kind === "taskGroup" ? "task:group" : subject.kind;
