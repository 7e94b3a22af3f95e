import { etcd } from "./etcd.js";
import { etcd2 } from "./etcd2.js";
import { flannel } from "./flannel.js";
import { fleet } from "./fleet.js";
import { locksmith } from "./locksmith.js";
import { oem } from "./oem.js";
import { type Field, type Infer, type Section, string, strings, struct, structs } from "./types.js";
import { unit } from "./units.js";
import { update } from "./update.js";
import { user } from "./users.js";
import { writeFile } from "./write-files.js";

export type { Field, FieldType, Infer, Section } from "./types.js";

/**
 * `coreos`: the sections of CoreOS's own services. shoal runs etcd, etcd2 and fleet, so unlike v1.14.0
 * it does not mark those sections deprecated (single options still are).
 */
export const coreos = {
  etcd: struct(etcd),
  etcd2: struct(etcd2),
  flannel: struct(flannel),
  fleet: struct(fleet),
  locksmith: struct(locksmith),
  oem: struct(oem),
  update: struct(update),
  units: structs(unit),
};

/** The top level of a `#cloud-config`: every key coreos-cloudinit reads. */
export const topLevel = {
  ssh_authorized_keys: strings(),
  coreos: struct(coreos),
  write_files: structs(writeFile),
  hostname: string(),
  users: structs(user),
  manage_etc_hosts: string(),
};

/** The whole document, as the structure rule walks it from the root. */
export const document = struct(topLevel);

export type CloudConfig = Infer<typeof topLevel>;

/** The field a sequence's elements have: `[]string` -> string, `[]struct` -> struct. */
export function elementOf(field: Field): Field | undefined {
  if (field.type === "[]string") return { type: "string" };
  if (field.type === "[]struct") return { type: "struct", fields: field.fields ?? {} };
  return undefined;
}

/** Every key the schema knows, with the sections that have it (`coreos.etcd`, `users[]`, "" for the top). */
export const keyHomes: ReadonlyMap<string, readonly string[]> = indexKeys(topLevel);

function indexKeys(root: Section): Map<string, string[]> {
  const homes = new Map<string, string[]>();
  const visit = (section: Section, path: string) => {
    for (const [key, field] of Object.entries(section)) {
      homes.set(key, [...(homes.get(key) ?? []), path]);
      if (field.fields) {
        const child = path ? `${path}.${key}` : key;
        visit(field.fields, field.type === "[]struct" ? `${child}[]` : child);
      }
    }
  };
  visit(root, "");
  return homes;
}
