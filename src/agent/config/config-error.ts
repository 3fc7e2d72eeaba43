/** A configuration the agent cannot start with; every problem names its variable (or file line). */
export class AgentConfigError extends Error {
  override readonly name = "AgentConfigError";

  constructor(readonly problems: readonly string[]) {
    super(`invalid agent configuration:\n  ${problems.join("\n  ")}`);
  }
}
