#!/usr/bin/env node
import { processIO } from "./io.js";
import { main } from "./main.js";

// Every command resolves only when it is done (servers and agents on their signal), and
// stdout and stderr are synchronous on Linux: exit now rather than wait a tenth of a
// second for node to tear down what is left (idle keep-alive sockets, the heap).
process.exit(await main(process.argv.slice(2), processIO()));
