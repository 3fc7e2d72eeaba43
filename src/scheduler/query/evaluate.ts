import type { ArgumentValue, Comparison, Expression, Operator } from "./ast.js";
import { compareAttributeValues, compareVersions, parseVersion } from "./values.js";

/**
 * What an expression can ask about one container instance. The placement engine implements it
 * over its working state (so `task:group` and `runningTasksCount` see earlier picks of the same
 * request); the ListContainerInstances handler can implement it over stored rows.
 */
export interface QueryTarget {
  /** undefined: no such attribute; null: the attribute exists without a value. */
  attribute(name: string): string | null | undefined;
  readonly agentConnected: boolean;
  readonly agentVersion: string | undefined;
  readonly ec2InstanceId: string | undefined;
  /** Epoch milliseconds. */
  readonly registeredAtMs: number;
  readonly runningTasksCount: number;
  /** How many non-stopped tasks of this group run on the instance. */
  taskGroupCount(group: string): number;
  /** The groups with at least one non-stopped task on the instance (only `=~` on task:group asks). */
  taskGroups(): Iterable<string>;
}

/** Whether the instance described by `target` is a member of the set `expression` describes. */
export function evaluate(expression: Expression, target: QueryTarget): boolean {
  switch (expression.kind) {
    case "and":
      return evaluate(expression.left, target) && evaluate(expression.right, target);
    case "or":
      return evaluate(expression.left, target) || evaluate(expression.right, target);
    case "not":
      return !evaluate(expression.operand, target);
    case "comparison":
      return compare(expression, target);
  }
}

function compare(c: Comparison, target: QueryTarget): boolean {
  const subject = c.subject;
  switch (subject.kind) {
    case "attribute": {
      const value = target.attribute(subject.name);
      if (c.operator === "exists") return value !== undefined;
      if (c.operator === "!exists") return value === undefined;
      // A comparison with an attribute the instance lacks is false, whatever the operator: the ECS
      // docs use `attribute:stack != prod` for "instances with a stack attribute other than prod".
      if (value === undefined) return false;
      return compareText(c, value ?? "", (a, b) => compareAttributeValues(a, b.text, b.number));
    }
    case "agentConnected":
      return compareText(c, String(target.agentConnected), noOrder);
    case "ec2InstanceId":
      return target.ec2InstanceId !== undefined && compareText(c, target.ec2InstanceId, noOrder);
    case "agentVersion": {
      const version = target.agentVersion === undefined ? undefined : parseVersion(target.agentVersion);
      return version !== undefined && compareOrdered(c, (b) => compareVersions(version, b.version ?? []));
    }
    case "registeredAt":
      return compareOrdered(c, (b) => target.registeredAtMs - (b.dateMs ?? 0));
    case "runningTasksCount":
      return compareOrdered(c, (b) => target.runningTasksCount - (b.number ?? 0));
    case "taskGroup":
      return compareGroups(c, target);
  }
}

const noOrder = (): number => Number.NaN;

/** String subjects: equality, lists, patterns, and (for attributes) ordering through `order`. */
function compareText(c: Comparison, value: string, order: (a: string, b: ArgumentValue) => number): boolean {
  const arg = c.argument;
  switch (arg.kind) {
    case "pattern":
      return arg.regex.test(value) === (c.operator === "=~");
    case "list": {
      const found = arg.values.some((v) => v.text === value);
      return c.operator === "in" ? found : !found;
    }
    case "value":
      if (c.operator === "==") return value === arg.value.text;
      if (c.operator === "!=") return value !== arg.value.text;
      return holds(c.operator, order(value, arg.value));
    case "none":
      return false;
  }
}

/** Ordered subjects (versions, dates, counts): `diff(argument)` is negative when the instance's value is smaller. */
function compareOrdered(c: Comparison, diff: (b: ArgumentValue) => number): boolean {
  const arg = c.argument;
  if (arg.kind === "list") {
    const found = arg.values.some((v) => diff(v) === 0);
    return c.operator === "in" ? found : !found;
  }
  return arg.kind === "value" && holds(c.operator, diff(arg.value));
}

function holds(operator: Operator, difference: number): boolean {
  switch (operator) {
    case "==":
      return difference === 0;
    case "!=":
      return difference !== 0;
    case ">":
      return difference > 0;
    case ">=":
      return difference >= 0;
    case "<":
      return difference < 0;
    case "<=":
      return difference <= 0;
    default:
      return false;
  }
}

/** `task:group` reads over the set of groups on the instance: `==` is "hosts a task of", `!=` "hosts none of". */
function compareGroups(c: Comparison, target: QueryTarget): boolean {
  const arg = c.argument;
  switch (arg.kind) {
    case "value":
      return (target.taskGroupCount(arg.value.text) > 0) === (c.operator === "==");
    case "list":
      return arg.values.some((v) => target.taskGroupCount(v.text) > 0) === (c.operator === "in");
    case "pattern": {
      let any = false;
      for (const group of target.taskGroups()) if ((any = arg.regex.test(group))) break;
      return any === (c.operator === "=~");
    }
    case "none":
      return false;
  }
}
