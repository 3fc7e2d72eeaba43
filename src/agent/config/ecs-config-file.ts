/**
 * The `/etc/ecs/ecs.config` format: `KEY=VALUE` lines, blank lines and `#` comment lines.
 *
 * Values are taken literally (a `#` inside a value is part of it, as JSON values need), except
 * that one pair of matching surrounding quotes is removed, as systemd's EnvironmentFile does.
 * A key given twice keeps its last value.
 */
import { AgentConfigError } from "./config-error.js";

/** The variables a config file sets, in file order; throws AgentConfigError naming the bad lines. */
export function parseEcsConfigFile(text: string, fileName = "ecs.config"): Map<string, string> {
  const values = new Map<string, string>();
  const problems: string[] = [];
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m) {
      problems.push(`${fileName} line ${index + 1}: expected KEY=VALUE, got "${line.slice(0, 40)}"`);
      continue;
    }
    values.set(m[1]!, unquote(m[2]!.trim()));
  }
  if (problems.length > 0) throw new AgentConfigError(problems);
  return values;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}
