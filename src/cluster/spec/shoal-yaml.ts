import { isMap, isScalar, LineCounter, type Node, parseDocument, type Scalar } from "yaml";
import { InputError } from "../../errors/index.js";
import {
  type DiscoverySetting,
  PROVIDER_CHOICES,
  type ProviderChoice,
  UPDATE_CHANNELS,
  type UpdateChannel,
} from "./types.js";

/** The settings a shoal.yaml may hold; anything absent takes the default. */
export interface ShoalYaml {
  instances?: number;
  namePrefix?: string;
  updateChannel?: UpdateChannel;
  provider?: ProviderChoice;
  userData?: string;
  discovery?: DiscoverySetting;
  etcdSize?: number;
  subnet?: string;
}

const MAX_INSTANCES = 154; // .101 to .254 of the /24

/**
 * Parses and checks shoal.yaml. Every problem is an InputError naming the
 * file, line and key; the first one (in file order) is thrown.
 */
export function parseShoalYaml(text: string, file: string): ShoalYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined, key?: string) => {
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    return { file, line: pos.line, column: pos.col, key };
  };
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = lines.linePos(syntax.pos[0]);
    throw new InputError(`not valid YAML: ${firstLine(syntax.message)}`, {
      file,
      line: pos.line,
      column: pos.col,
    });
  }
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) {
    throw new InputError(
      "expected a mapping of settings (instances, updateChannel, ...)",
      at(doc.contents),
    );
  }
  const out: ShoalYaml = {};
  for (const pair of doc.contents.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : "";
    const value = pair.value as Node | null;
    const where = at(value ?? keyNode, key);
    const scalar = (): Scalar => {
      if (!isScalar(value) || value.value === null) {
        throw new InputError("expected a single value", where);
      }
      return value;
    };
    switch (key) {
      case "instances":
        out.instances = integer(scalar(), where, 1, MAX_INSTANCES);
        break;
      case "etcdSize":
        out.etcdSize = integer(scalar(), where, 1, MAX_INSTANCES);
        break;
      case "namePrefix": {
        const v = String(scalar().value);
        if (!/^[a-z][a-z0-9-]{0,15}$/.test(v)) {
          throw new InputError(
            `"${v}" is not a usable name prefix`,
            where,
            "use lower-case letters, digits and -, starting with a letter, at most 16 characters",
          );
        }
        out.namePrefix = v;
        break;
      }
      case "updateChannel":
        out.updateChannel = oneOf(scalar(), UPDATE_CHANNELS, where);
        break;
      case "provider":
        out.provider = oneOf(scalar(), PROVIDER_CHOICES, where);
        break;
      case "userData":
        out.userData = String(scalar().value);
        break;
      case "discovery":
        out.discovery = discovery(String(scalar().value), where);
        break;
      case "network":
        out.subnet = network(value, at, key);
        break;
      default:
        throw new InputError(
          `unknown setting "${key}"`,
          at(keyNode, key),
          "known settings: instances, namePrefix, updateChannel, provider, userData, discovery, etcdSize, network.subnet",
        );
    }
  }
  if (out.etcdSize !== undefined && out.instances !== undefined && out.etcdSize > out.instances) {
    const node = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "etcdSize");
    throw new InputError(
      `etcdSize ${out.etcdSize} is larger than instances ${out.instances}`,
      at(node?.value as Node, "etcdSize"),
    );
  }
  return out;
}

type Where = ConstructorParameters<typeof InputError>[1];

function integer(node: Scalar, where: Where, min: number, max: number): number {
  const v = node.value;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new InputError(`expected a whole number, got ${JSON.stringify(v)}`, where);
  }
  if (v < min || v > max) throw new InputError(`${v} is out of range ${min}-${max}`, where);
  return v;
}

function oneOf<T extends string>(node: Scalar, choices: readonly T[], where: Where): T {
  const v = String(node.value);
  if (!(choices as readonly string[]).includes(v)) {
    throw new InputError(`"${v}" is not one of ${choices.join(", ")}`, where);
  }
  return v as T;
}

/** `auto`, a discovery server's URL, or a token URL (a URL with a path). */
export function discovery(value: string, where: Where): DiscoverySetting {
  if (value === "auto") return { kind: "auto" };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The URL parser's only failure: the value is not a URL.
    throw new InputError(`"${value}" is neither auto nor a URL`, where);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InputError(`"${value}" is not an http(s) URL`, where);
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "" || path === "/new") return { kind: "server", url: url.origin };
  return { kind: "token", url: value };
}

function network(
  value: Node | null,
  at: (node: Node | null | undefined, key?: string) => Where,
  key: string,
): string {
  if (!isMap(value)) throw new InputError("expected a mapping with subnet", at(value, key));
  let subnet: string | undefined;
  for (const pair of value.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : "";
    const v = pair.value as Node | null;
    if (k !== "subnet") {
      throw new InputError(`unknown setting "network.${k}"`, at(pair.key as Node, `network.${k}`));
    }
    const text = isScalar(v) ? String(v.value) : "";
    if (
      !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.test(text) ||
      text
        .split(/[./]/)
        .slice(0, 3)
        .some((o) => Number(o) > 255)
    ) {
      throw new InputError(
        `"${text}" is not a /24 subnet such as 172.17.8.0/24`,
        at(v, "network.subnet"),
      );
    }
    subnet = text;
  }
  if (!subnet) throw new InputError("network needs a subnet", at(value, key));
  return subnet;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
