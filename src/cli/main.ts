#!/usr/bin/env node
import { Command } from "commander";
import { agentCommand } from "./agent-command.js";
import { serverCommand } from "./server-command.js";
import { upCommand } from "./up-command.js";

const program = new Command("berth")
  .description("Amazon ECS's model and API on machines you own")
  .showHelpAfterError();
program.addCommand(serverCommand());
program.addCommand(agentCommand());
program.addCommand(upCommand());
await program.parseAsync();
