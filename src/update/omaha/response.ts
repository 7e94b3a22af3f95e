/**
 * The Omaha response, both ways: render what the server answers, and read
 * one as update_engine does: `/response/app/updatecheck` and its status
 * (`noupdate`, `ok`, anything else invalid), PollInterval, manifest version,
 * url codebases, the first package (name, size > 0, hash) and the
 * postinstall action's sha256.
 */
import type { OmahaResponse, UpdateCheckAnswer, UpdateOffer } from "./types.js";
import { attr, attrs, child, children, parseXml, renderXml, type XmlNode } from "./xml.js";

/** The postinstall action's attribute carrying shoal's Ed25519 signature of the release. */
export const SIGNATURE_ATTRIBUTE = "SignatureEd25519";

function renderUpdateCheck(u: UpdateCheckAnswer): XmlNode {
  const head = attrs({ status: u.status, PollInterval: u.pollInterval });
  if (u.status === "noupdate") return head;
  return {
    ...head,
    urls: { url: u.codebases.map((codebase) => attrs({ codebase })) },
    manifest: {
      ...attrs({ version: u.version }),
      packages: {
        package: [attrs({ hash: u.hash, name: u.packageName, size: u.size, required: "true" })],
      },
      actions: {
        action: [
          attrs({
            event: "postinstall",
            sha256: u.sha256,
            needsadmin: "false",
            [SIGNATURE_ATTRIBUTE]: u.signature,
          }),
        ],
      },
    },
  };
}

export function renderResponse(res: OmahaResponse): string {
  const app: XmlNode = attrs({ appid: res.appId, status: "ok" });
  if (res.events > 0) app.event = Array.from({ length: res.events }, () => attrs({ status: "ok" }));
  if (res.ping) app.ping = attrs({ status: "ok" });
  if (res.updateCheck) app.updatecheck = renderUpdateCheck(res.updateCheck);
  return renderXml({ response: { ...attrs({ protocol: "3.0", server: "shoal" }), app } });
}

/** What update_engine makes of a response. */
export type ResponseReading =
  | { kind: "noupdate"; pollInterval: number }
  | ({ kind: "update"; pollInterval: number; urls: string[] } & UpdateOffer)
  | { kind: "invalid"; reason: string };

const invalid = (reason: string): ResponseReading => ({ kind: "invalid", reason });

/** Leading base-10 digits, as sscanf reads them; 0 when there are none. */
function leadingInt(text: string | undefined): number {
  const m = /^\s*([+-]?\d+)/.exec(text ?? "");
  return m ? Number(m[1]) : 0;
}

export function readResponse(body: string): ResponseReading {
  if (body.trim() === "") return invalid("empty response");
  const parsed = parseXml(body);
  if ("error" in parsed) return invalid(`response is not valid XML: ${parsed.error}`);
  const app = child(child(parsed.doc, "response"), "app");
  const check = child(app, "updatecheck");
  if (!check) return invalid("no /response/app/updatecheck");
  const pollText = attr(check, "PollInterval");
  const pollInterval = pollText && /^\d+$/.test(pollText) ? Number(pollText) : 0;
  const status = attr(check, "status");
  if (status === undefined) return invalid("updatecheck has no status");
  if (status === "noupdate") return { kind: "noupdate", pollInterval };
  if (status !== "ok") return invalid(`unknown updatecheck status "${status}"`);

  const manifest = child(check, "manifest");
  if (!manifest) return invalid("no manifest");
  const urlNodes = children(child(check, "urls"), "url");
  if (urlNodes.length === 0) return invalid("no urls");
  const codebases = urlNodes.map((u) => attr(u, "codebase") ?? "");
  if (codebases.some((c) => c === "")) return invalid("a url has an empty codebase");
  const pkg = children(child(manifest, "packages"), "package")[0];
  if (!pkg) return invalid("no package");
  const packageName = attr(pkg, "name") ?? "";
  if (packageName === "") return invalid("the package has no name");
  const size = leadingInt(attr(pkg, "size"));
  if (size <= 0) return invalid(`invalid payload size: ${size}`);
  const action = children(child(manifest, "actions"), "action").find(
    (a) => attr(a, "event") === "postinstall",
  );
  if (!action) return invalid("no postinstall event action");
  const sha256 = attr(action, "sha256") ?? "";
  if (sha256 === "") return invalid("empty sha256 value");
  return {
    kind: "update",
    pollInterval,
    version: attr(manifest, "version") ?? "",
    codebases,
    urls: codebases.map((c) => c + packageName),
    packageName,
    size,
    hash: attr(pkg, "hash") ?? "",
    sha256,
    signature: attr(action, SIGNATURE_ATTRIBUTE) ?? "",
  };
}
