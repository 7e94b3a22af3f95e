import { editDistance } from "../cloudconfig/index.js";
import { tabwrite } from "../host/index.js";
import { COMMANDS, type CtlCommand } from "./ctl-commands.js";
import { type Flag, GLOBAL_FLAGS, ROOT_SHORT } from "./ctl-flags.js";
import { FLEET_VERSION } from "./registry.js";

/**
 * fleetctl's help as fleet v1.0 prints it: cobra's commands with fleet's
 * usage template (NAME, USAGE, VERSION, COMMANDS, DESCRIPTION, OPTIONS,
 * GLOBAL OPTIONS) through Go's tabwriter, and pflag's flag lines (sorted,
 * aligned, with Go's defaults). The words are upstream's; shoal's own flags
 * (--on, -o, ssh's -m and -u) are listed the same way.
 */

/** pflag's FlagUsages: sorted by name, the usage column aligned one space past the longest flag. */
export function flagUsages(flags: readonly Flag[]): string {
  const rows = [...flags]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => {
      let left = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
      if (f.type) left += ` ${f.type}`;
      let right = f.usage;
      if (f.def !== undefined)
        right += f.type === "string" ? ` (default "${f.def}")` : ` (default ${f.def})`;
      return { left, right };
    });
  const width = Math.max(0, ...rows.map((r) => r.left.length)) + 1;
  return rows.map((r) => `${r.left} ${" ".repeat(width - r.left.length)} ${r.right}\n`).join("");
}

/** The names of fleetctl's commands, sorted as cobra lists them. */
export function ctlCommandNames(): string[] {
  return Object.keys(COMMANDS).sort();
}

/**
 * fleetctl's usage text for a command, or for fleetctl itself without one.
 * `withHelp`: list the help command (cobra adds it only once a command line
 * is executed; bare `fleetctl` prints its usage before that).
 */
export function ctlUsage(command?: string, withHelp = true): string {
  const cmd = command === undefined ? undefined : COMMANDS[command];
  let text = "NAME:\n";
  if (!cmd) {
    text += `\tfleetctl - ${ROOT_SHORT}\n\nUSAGE:\n\tfleetctl\n\nVERSION:\n\t${FLEET_VERSION}\n\nCOMMANDS:\n`;
    for (const name of ctlCommandNames()) {
      if (name === "help" && !withHelp) continue;
      text += `\t${name}\t${(COMMANDS[name] as CtlCommand).short}\n`;
    }
    text += `\nOPTIONS:\n${flagUsages(GLOBAL_FLAGS)}`;
  } else {
    text += `\t${command} - ${cmd.short}\n\nUSAGE:\n\tfleetctl ${cmd.use}\n`;
    if (cmd.long) {
      const lines = cmd.long.replace(/^[\n\t ]+|[\n\t ]+$/g, "").split("\n");
      text += `\nDESCRIPTION:\n${lines.map((l) => `\t${l}\n`).join("")}`;
    }
    if (cmd.flags.length > 0) text += `\nOPTIONS:\n${flagUsages(cmd.flags)}`;
    text += `\nGLOBAL OPTIONS:\n${flagUsages(GLOBAL_FLAGS)}`;
  }
  return tabwrite(`${text}\n`);
}

/** The command a name or an unambiguous prefix of one names, as cobra finds it. */
export function findCtlCommand(name: string): string | undefined {
  if (Object.hasOwn(COMMANDS, name)) return name;
  const matches = ctlCommandNames().filter((c) => c.startsWith(name));
  return matches.length === 1 ? matches[0] : undefined;
}

/** cobra's error for an unknown command, with its suggestions (within 2 edits, or by prefix). */
export function unknownCommandMessage(name: string): string {
  const suggestions = ctlCommandNames().filter(
    (c) =>
      c !== "help" &&
      c !== "verify" &&
      (editDistance(name.toLowerCase(), c) <= 2 || c.startsWith(name.toLowerCase())),
  );
  const did = suggestions.length
    ? `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join("")}`
    : "";
  return `unknown command "${name}" for "fleetctl"${did}`;
}
