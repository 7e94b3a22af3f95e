/**
 * The agent's V8 settings, loaded by bin.ts before the agent's own code.
 * The agent runs for the machine's life, mostly idle and waiting on I/O.
 * Without the optimizing compiler (no optimized code kept, none compiled
 * on the cores the machines share) and with V8's small-heap settings it
 * holds about 8 MB less (bench/memory); lite mode (no baseline compiler,
 * feedback allocated lazily) saves another ~1 MB, its boot no slower
 * (bench/up). Lite mode turns WebAssembly off, which nothing in the agent
 * uses (its HTTP is node:http; fetch() would need it).
 *
 * They are set here, at run time, not as node's command-line flags: any
 * V8 flag on the command line makes node refuse the code cache its own
 * modules are built with, and every agent then compiled them from source,
 * ~25 ms of CPU a boot. So the node modules the agent uses are loaded
 * first, with that cache (static imports run before this module's body),
 * and the flags are set after.
 */
import "node:child_process";
import "node:crypto";
import "node:dgram";
import "node:fs/promises";
import "node:http";
import "node:https";
import "node:net";
import "node:os";
import "node:readline";
import "node:stream/promises";
import "node:timers/promises";
import "node:zlib";
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--no-opt");
setFlagsFromString("--optimize-for-size");
setFlagsFromString("--lite-mode");
