import { InputError } from "../../errors/index.js";
import { type SpecNote, UPDATE_CHANNELS, type UpdateChannel } from "./types.js";

/** The settings coreos-vagrant's config.rb gives shoal (everything else becomes a note). */
export interface ConfigRb {
  instances?: number;
  namePrefix?: string;
  updateChannel?: UpdateChannel;
  notes: SpecNote[];
}

/** Settings that shaped the VirtualBox/VMware VM and mean nothing for a shoal machine. */
const VM_ONLY: Record<string, string> = {
  vm_gui: "there is no VM window",
  vb_gui: "there is no VM window",
  vm_memory: "machines share the host's memory",
  vb_memory: "machines share the host's memory",
  vm_cpus: "machines share the host's CPUs",
  vb_cpus: "machines share the host's CPUs",
  vb_cpuexecutioncap: "machines share the host's CPUs",
  enable_serial_logging: "each machine's console is always in .shoal/machines/NAME/console.log",
  expose_docker_tcp: "machines are reachable at their own addresses, no port forwarding",
  forwarded_ports: "machines are reachable at their own addresses, no port forwarding",
  share_home: "machines already see the host's files",
  shared_folders: "machines already see the host's files",
  image_version: "there is no box image to pin",
  new_discovery_url: "shoal gets a fresh token itself (see discovery in shoal.yaml)",
};

const ASSIGNMENT = /^\$([a-z_][a-z0-9_]*)\s*=\s*(.*?)\s*$/i;
const OPENS_BLOCK = /^(if|unless|while|until|case|begin|def|class|module)\b|\bdo(\s*\|[^|]*\|)?$/;

/**
 * Reads config.rb as coreos-vagrant did, without running Ruby: plain
 * `$name=value` lines are settings; `NUM_INSTANCES` from the environment
 * counts unless config.rb sets $num_instances; Ruby code is reported, not run.
 */
export function parseConfigRb(text: string, file: string, env: NodeJS.ProcessEnv = {}): ConfigRb {
  const out: ConfigRb = { notes: [] };
  const fromEnv = Number(env.NUM_INSTANCES);
  if (env.NUM_INSTANCES !== undefined && Number.isInteger(fromEnv) && fromEnv > 0) {
    out.instances = fromEnv;
    out.notes.push({
      file: "environment",
      line: 0,
      message: `using the deprecated environment variable NUM_INSTANCES=${fromEnv}`,
    });
  }
  const lines = text.split("\n");
  let block: { start: number; depth: number; text: string[] } | undefined;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = stripComment(raw).trim();
    if (block) {
      block.text.push(line);
      if (OPENS_BLOCK.test(line)) block.depth++;
      if (/^end\b/.test(line)) block.depth--;
      if (block.depth <= 0) {
        out.notes.push(codeNote(file, block.start, lineNo, block.text.join("\n")));
        block = undefined;
      }
      return;
    }
    if (line === "") return;
    const m = ASSIGNMENT.exec(line);
    if (m?.[1] && m[2] !== undefined) {
      assign(out, m[1], m[2], file, lineNo);
      return;
    }
    if (OPENS_BLOCK.test(line)) {
      block = { start: lineNo, depth: 1, text: [line] };
      return;
    }
    out.notes.push(codeNote(file, lineNo, lineNo, line));
  });
  if (block) out.notes.push(codeNote(file, block.start, lines.length, block.text.join("\n")));
  return out;
}

function assign(out: ConfigRb, name: string, value: string, file: string, line: number): void {
  const where = { file, line, key: `$${name}` };
  switch (name) {
    case "num_instances": {
      const n = rubyInteger(value);
      if (n === undefined || n < 1) {
        throw new InputError(
          `$num_instances must be a whole number of at least 1, got ${value}`,
          where,
        );
      }
      out.instances = n;
      return;
    }
    case "instance_name_prefix": {
      const s = rubyString(value);
      if (s === undefined || !/^[a-z][a-z0-9-]{0,15}$/.test(s)) {
        throw new InputError(
          `$instance_name_prefix must be a plain quoted name, got ${value}`,
          where,
        );
      }
      out.namePrefix = s;
      return;
    }
    case "update_channel": {
      const s = rubyString(value);
      if (s === undefined || !(UPDATE_CHANNELS as readonly string[]).includes(s)) {
        throw new InputError(
          `$update_channel must be one of ${UPDATE_CHANNELS.map((c) => `'${c}'`).join(", ")}, got ${value}`,
          where,
        );
      }
      out.updateChannel = s as UpdateChannel;
      return;
    }
    default: {
      const why = VM_ONLY[name];
      out.notes.push({
        file,
        line,
        message: why
          ? `$${name} is not applicable: ${why}`
          : `$${name} is not a setting shoal knows; ignored`,
      });
    }
  }
}

function codeNote(file: string, start: number, end: number, code: string): SpecNote {
  const discovery = /discovery/i.test(code);
  return {
    file,
    line: start,
    ...(end > start ? { endLine: end } : {}),
    message: discovery
      ? "Ruby code not run: this block fetched a discovery token and rewrote user-data; shoal gets a fresh token for each new cluster itself and never rewrites user-data"
      : "Ruby code not run: shoal reads only plain $name=value settings",
  };
}

function stripComment(line: string): string {
  // A # outside quotes starts a comment; "#{...}" interpolation inside a string is kept.
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

function rubyInteger(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function rubyString(value: string): string | undefined {
  const m = /^(["'])([^"'#\\]*)\1$/.exec(value);
  return m ? m[2] : undefined;
}
