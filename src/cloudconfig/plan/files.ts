/** The files apply writes, in coreos-cloudinit's order: write_files, then the sections' files. */
import { posix } from "node:path";
import { InputError } from "../../errors/index.js";
import { flannel } from "../schema/flannel.js";
import type { CloudConfig } from "../schema/index.js";
import { update } from "../schema/update.js";
import type { MachineMeta, PlannedFile } from "../types.js";
import { envLines, goQuote } from "./env.js";

const DEFAULT_MODE = 0o644;

/** write_files in order: path joined to /, octal permissions (empty = 0644), content as decoded. */
export function writeFiles(config: CloudConfig): PlannedFile[] {
  return (config.write_files ?? []).map((f, i) => {
    const where = `write_files[${i}]`;
    if (!f.path) throw new InputError(`${where} has no path`);
    if (f.encoding)
      throw new InputError(`${where} (${f.path}) still carries encoding "${f.encoding}"`);
    const permissions = f.permissions ?? "";
    if (permissions !== "" && !/^[0-7]+$/.test(permissions)) {
      throw new InputError(`${where} (${f.path}): invalid permissions "${permissions}"`);
    }
    const file: PlannedFile = {
      path: posix.join("/", f.path),
      mode: permissions === "" ? DEFAULT_MODE : Number.parseInt(permissions, 8),
      content: f.content ?? "",
    };
    if (f.owner) file.owner = f.owner;
    return file;
  });
}

/** /etc/oem-release, only when the OEM has an id; the last three values Go-quoted. */
export function oemRelease(config: CloudConfig): PlannedFile[] {
  const oem = config.coreos?.oem;
  if (!oem?.id) return [];
  const content =
    `ID=${oem.id}\nVERSION_ID=${oem.version_id ?? ""}\nNAME=${goQuote(oem.name ?? "")}\n` +
    `HOME_URL=${goQuote(oem.home_url ?? "")}\nBUG_REPORT_URL=${goQuote(oem.bug_report_url ?? "")}\n`;
  return [{ path: "/etc/oem-release", mode: DEFAULT_MODE, content }];
}

/**
 * /etc/coreos/update.conf when any update key is set: the image's own file
 * (GROUP=<update channel>) with REBOOT_STRATEGY/GROUP/SERVER lines replaced,
 * the rest appended sorted, as upstream's system/update.go does.
 */
export function updateConf(config: CloudConfig, meta: MachineMeta): PlannedFile[] {
  const values = config.coreos?.update;
  const subs = new Map<string, string>();
  for (const [key, field] of Object.entries(update)) {
    const value = values?.[key as keyof typeof update];
    if (value) subs.set(field.env as string, `${field.env}=${value}`);
  }
  if (subs.size === 0) return [];
  const strategy = values?.reboot_strategy;
  if (strategy && !update.reboot_strategy.valid?.test(strategy)) {
    throw new InputError(
      `invalid value "${strategy}" for option "RebootStrategy" (valid options: "${update.reboot_strategy.valid?.source}")`,
    );
  }
  const base = meta.updateChannel ? [`GROUP=${meta.updateChannel}`] : [];
  let content = "";
  for (const line of base) {
    const env = [...subs.keys()].find((k) => line.startsWith(k));
    content += `${env ? subs.get(env) : line}\n`;
    if (env) subs.delete(env);
  }
  for (const env of [...subs.keys()].sort()) content += `${subs.get(env)}\n`;
  return [{ path: "/etc/coreos/update.conf", mode: DEFAULT_MODE, content }];
}

/** /etc/hosts for manage_etc_hosts: only "localhost" is supported, anything else fails apply. */
export function etcHosts(config: CloudConfig, hostname: string): PlannedFile[] {
  const manage = config.manage_etc_hosts ?? "";
  if (manage === "") return [];
  if (manage !== "localhost") throw new InputError("Invalid option to manage_etc_hosts");
  return [{ path: "/etc/hosts", mode: DEFAULT_MODE, content: `127.0.0.1 ${hostname}\n` }];
}

/** /run/flannel/options.env: KEY=value lines, no trailing newline (not a drop-in). */
export function flannelOptions(config: CloudConfig): PlannedFile[] {
  const lines = envLines(flannel, config.coreos?.flannel);
  if (lines.length === 0) return [];
  return [{ path: "/run/flannel/options.env", mode: DEFAULT_MODE, content: lines.join("\n") }];
}

/**
 * /etc/environment with the machine's COREOS_PUBLIC_IPV4 and COREOS_PRIVATE_IPV4, unless
 * write_files already targets it. shoal machines start without one, so the
 * plan holds the whole file.
 */
export function environment(config: CloudConfig, meta: MachineMeta): PlannedFile[] {
  const targeted = (config.write_files ?? []).some(
    (f) => f.path && posix.join("/", f.path) === "/etc/environment",
  );
  const vars: [string, string | undefined][] = [
    ["COREOS_PRIVATE_IPV4", meta.privateIpv4],
    ["COREOS_PRIVATE_IPV6", meta.privateIpv6],
    ["COREOS_PUBLIC_IPV4", meta.publicIpv4],
    ["COREOS_PUBLIC_IPV6", meta.publicIpv6],
  ];
  const lines = vars.filter(([, v]) => v).map(([k, v]) => `${k}=${v}\n`);
  if (targeted || lines.length === 0) return [];
  return [{ path: "/etc/environment", mode: DEFAULT_MODE, content: lines.join("") }];
}
