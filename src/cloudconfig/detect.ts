import { gunzipSync } from "node:zlib";
import { InputError } from "../errors/index.js";
import type { InputKind } from "./types.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Gunzips (1f 8b) first, then classifies as coreos-cloudinit does: by the
 * first line (`#cloud-config`, `#!` script) or Ignition JSON.
 * Throws InputError only for bytes that are not text: corrupt gzip, invalid
 * UTF-8 or NUL bytes.
 */
export function detectInput(input: string | Uint8Array): { kind: InputKind; text: string } {
  const text = typeof input === "string" ? input : decodeBytes(input);
  if (text.includes("\0")) throw new InputError("user-data is binary (it contains NUL bytes)");
  return { kind: classify(text), text };
}

function decodeBytes(input: Uint8Array): string {
  let bytes = input;
  if (input[0] === 0x1f && input[1] === 0x8b) {
    try {
      bytes = gunzipSync(input);
    } catch (err) {
      throw new InputError(`user-data looks gzip-compressed but does not decompress: ${err}`);
    }
  }
  try {
    return decoder.decode(bytes);
  } catch {
    // The fatal decoder's only failure is a byte sequence that is not UTF-8.
    throw new InputError("user-data is binary (it is not UTF-8 text)");
  }
}

function classify(text: string): InputKind {
  if (text === "") return "empty";
  if (text.startsWith("#!")) return "script";
  if (isIgnition(text)) return "ignition";
  const firstLine = text.split("\n", 1)[0] ?? "";
  return firstLine.trimEnd() === "#cloud-config" ? "cloud-config" : "unknown";
}

/** JSON with an integer `ignitionVersion` or a string `ignition.version`. */
function isIgnition(text: string): boolean {
  if (!text.trimStart().startsWith("{")) return false;
  try {
    const json = JSON.parse(text) as {
      ignitionVersion?: unknown;
      ignition?: { version?: unknown };
    };
    return Number.isInteger(json.ignitionVersion) || typeof json.ignition?.version === "string";
  } catch {
    // Starts with "{" but is not JSON: not Ignition, whatever else it is.
    return false;
  }
}
