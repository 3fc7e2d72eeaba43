#!/usr/bin/env node
import { Command } from "commander";
import { serverCommand } from "./server-command.js";

const program = new Command("berth")
  .description("Amazon ECS's model and API on machines you own")
  .showHelpAfterError();
program.addCommand(serverCommand());
await program.parseAsync();
