import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { detectInput, type Entry, validate } from "../../cloudconfig/index.js";
import { InputError } from "../../errors/index.js";
import type { IO } from "../io.js";
import { writeJson } from "../io.js";

type Format = "text" | "json";

interface Checked {
  file: string;
  entries: Entry[];
}

export function validateCommand(io: IO, setExit: (code: number) => void): Command {
  return new Command("validate")
    .description("check cloud-config user-data as coreos-cloudinit would, with true line numbers")
    .argument("<file...>", 'user-data files ("-" reads stdin; gzip is decompressed)')
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .option("--strict", "exit 1 on warnings too, not only on errors")
    .action(async (files: string[], opts: { output: Format; strict?: boolean }) => {
      // Read everything first: an unreadable file stops the run before any output.
      const inputs = await Promise.all(files.map((f) => readInput(f, io)));
      const checked: Checked[] = inputs.map(({ file, text }) => ({
        file,
        entries: sortByPosition(validate(text).entries),
      }));
      if (opts.output === "json") writeJson(io, checked.map(toJson));
      else io.stdout.write(checked.flatMap(renderText).join(""));
      const failing = (e: Entry) => e.kind === "error" || (opts.strict && e.kind === "warning");
      setExit(checked.some((c) => c.entries.some(failing)) ? 1 : 0);
    });
}

async function readInput(file: string, io: IO): Promise<{ file: string; text: string }> {
  const name = file === "-" ? "<stdin>" : file;
  let bytes: Uint8Array;
  try {
    bytes = file === "-" ? await readStream(io.stdin) : await readFile(resolve(io.cwd, file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const reason = READ_ERRORS[code] ?? (err as Error).message;
    throw new InputError(`cannot read the file: ${reason}`, { file: name });
  }
  try {
    return { file: name, text: detectInput(bytes).text };
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.message, { file: name });
    throw err;
  }
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

async function readStream(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

function sortByPosition(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `validate -o json`: one object per file, its entries with line, column, kind, message, hint. */
function toJson({ file, entries }: Checked) {
  return {
    file,
    entries: entries.map(({ line, column, kind, message, hint }) => ({
      line,
      column,
      kind,
      message,
      ...(hint === undefined ? {} : { hint }),
    })),
  };
}

/** `FILE:LINE:COL: kind: message`, then the hint in parentheses. */
function renderText({ file, entries }: Checked): string[] {
  return entries.map((e) => {
    const hint = e.hint ? ` (hint: ${e.hint})` : "";
    return `${file}:${e.line}:${e.column}: ${e.kind}: ${e.message}${hint}\n`;
  });
}
