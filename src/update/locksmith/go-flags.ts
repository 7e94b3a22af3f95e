/**
 * Go's `flag` package, as locksmithctl parses its command line: `-name`
 * or `--name`, `-name=value` or `-name value`, booleans without a value,
 * parsing stops at the first argument that is not a flag or after `--`.
 * Its messages and its usage text are Go's, word for word.
 */

export interface GoFlag {
  name: string;
  usage: string;
  kind: "bool" | "string" | "list";
  /** The default as `help` prints it (`--name=DEFAULT`). */
  defValue: string;
}

export type GoFlagValues = Record<string, string | string[] | boolean>;

export type GoParse =
  | { ok: true; values: GoFlagValues; set: Set<string>; rest: string[] }
  /** help: -h or -help was given (Go's ErrHelp); otherwise message is Go's error text. */
  | { ok: false; help: boolean; message: string };

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

export function parseGoFlags(flags: readonly GoFlag[], args: readonly string[]): GoParse {
  const values: GoFlagValues = {};
  const set = new Set<string>();
  let i = 0;
  for (; i < args.length; i++) {
    const s = args[i] as string;
    if (s.length < 2 || s[0] !== "-") break;
    let minuses = 1;
    if (s[1] === "-") {
      minuses = 2;
      if (s.length === 2) {
        i++;
        break;
      }
    }
    let name = s.slice(minuses);
    if (name.length === 0 || name[0] === "-" || name[0] === "=")
      return { ok: false, help: false, message: `bad flag syntax: ${s}` };
    let value: string | undefined;
    const eq = name.indexOf("=");
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const flag = flags.find((f) => f.name === name);
    if (!flag) {
      if (name === "help" || name === "h")
        return { ok: false, help: true, message: "flag: help requested" };
      return { ok: false, help: false, message: `flag provided but not defined: -${name}` };
    }
    if (flag.kind === "bool") {
      const v = value ?? "true";
      if (!TRUE.has(v) && !FALSE.has(v))
        return {
          ok: false,
          help: false,
          message: `invalid boolean value "${v}" for -${name}: parse error`,
        };
      values[name] = TRUE.has(v);
    } else {
      if (value === undefined) {
        if (i + 1 >= args.length)
          return { ok: false, help: false, message: `flag needs an argument: -${name}` };
        value = args[++i] as string;
      }
      setValue(values, flag, value);
    }
    set.add(name);
  }
  return { ok: true, values, set, rest: args.slice(i) };
}

/** A list flag appends each comma-separated part (trimmed), as locksmithctl's endpoints do. */
function setValue(values: GoFlagValues, flag: GoFlag, value: string): void {
  if (flag.kind === "list") {
    const list = (values[flag.name] as string[] | undefined) ?? [];
    list.push(...value.split(",").map((v) => v.trim()));
    values[flag.name] = list;
  } else values[flag.name] = value;
}

/**
 * PREFIX_NAME variables (dashes to underscores) for the flags the command
 * line did not set; an empty variable counts as unset.
 */
export function goFlagsFromEnv(
  flags: readonly GoFlag[],
  parsed: { values: GoFlagValues; set: Set<string> },
  prefix: string,
  env: NodeJS.ProcessEnv,
): void {
  for (const flag of flags) {
    if (parsed.set.has(flag.name)) continue;
    const raw = env[`${prefix}_${flag.name.replaceAll("-", "_")}`.toUpperCase()];
    if (!raw) continue;
    if (flag.kind === "bool") {
      if (TRUE.has(raw) || FALSE.has(raw)) parsed.values[flag.name] = TRUE.has(raw);
    } else setValue(parsed.values, flag, raw);
  }
}

/** Go's FlagSet.PrintDefaults, sorted by name: `  -name type` then the usage on its own line. */
export function goFlagDefaults(flags: readonly GoFlag[]): string {
  const sorted = [...flags].sort((a, b) => (a.name < b.name ? -1 : 1));
  return sorted
    .map((f) => {
      const type = f.kind === "bool" ? "" : f.kind === "list" ? " value" : " string";
      return `  -${f.name}${type}\n    \t${f.usage}\n`;
    })
    .join("");
}
