#!/usr/bin/env node
import { Command } from "commander";
import { agentCommand } from "./agent-command.js";
import { deployCommand } from "./deploy-command.js";
import { diffCommand } from "./diff-command.js";
import { logsCommand } from "./logs-command.js";
import { iamCommand } from "./iam-command.js";
import { serverCommand } from "./server-command.js";
import { storeCommand } from "./store-command.js";
import { upCommand } from "./up-command.js";

// The lockfile pins AWS SDK releases that support Node 20; the SDK's notice about future releases
// needing Node 22 says nothing about this build, so berth's own clients (agent, up) stay quiet.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const program = new Command("berth")
  .description("Amazon ECS's model and API on machines you own")
  .showHelpAfterError();
program.addCommand(serverCommand());
program.addCommand(agentCommand());
program.addCommand(upCommand());
program.addCommand(diffCommand());
program.addCommand(deployCommand());
program.addCommand(logsCommand());
program.addCommand(iamCommand());
program.addCommand(storeCommand());
try {
  await program.parseAsync();
} catch (err) {
  // Configuration and start-up problems are the user's to fix: say what, without a stack trace.
  process.stderr.write(`berth: ${err instanceof Error ? err.message : String(err)}\n`);
  // Exit now: whatever a failed start left open (timers, sockets, Docker streams) must not keep a
  // half-started command alive. stderr is synchronous for files and pipes, so the line is out.
  process.exit(1);
}
