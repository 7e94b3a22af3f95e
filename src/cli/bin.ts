#!/usr/bin/env node
// No V8 flags here: any on node's command line makes it refuse the code cache of its own
// modules, ~25 ms of CPU on every command. The agent and the dashboard, which run long,
// set theirs at run time (cli/agent-v8.ts, commands/dashboard.ts).
import { agentBootArgs } from "./agent-entry.js";
import { processIO } from "./io.js";

const argv = process.argv.slice(2);
const io = processIO();
// Every `up` starts an agent per machine on a busy host: the agent's argv goes straight to
// it, without loading commander (~25 ms of CPU a start).
const agent = agentBootArgs(argv);
if (agent) await import("./agent-v8.js");
const code = agent
  ? await (await import("./agent-entry.js")).runAgentEntry(agent, io)
  : await (await import("./main.js")).main(argv, io);
// Every command resolves only when it is done (servers and agents on their signal), and
// stdout and stderr are synchronous on Linux: exit now rather than wait a tenth of a
// second for node to tear down what is left (idle keep-alive sockets, the heap).
process.exit(code);
