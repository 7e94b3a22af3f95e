#!/usr/bin/env -S node --optimize-for-size
// --optimize-for-size: V8's small-heap settings (a young generation that stays small, less
// inlining). A long-running `shoal dashboard` then peaks tens of MB lower (bench/dashboard);
// short commands do not notice. Agents and servers that shoal starts itself get their
// flags where they are spawned (cluster/providers/common/agent.ts).
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
