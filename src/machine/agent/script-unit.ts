import { join } from "node:path";
import { writeMachineFile } from "../apply.js";
import { unitDirs } from "../layout.js";

const SCRIPTS = "/var/lib/coreos-cloudinit/scripts";

/**
 * A user-data script, the way coreos-cloudinit runs it: saved under
 * /var/lib/coreos-cloudinit/scripts, run by a oneshot runtime unit named
 * after it, whose name is recorded in scripts/unit-name. Returns the unit.
 */
export function writeScriptUnit(root: string, script: { name: string; script: string }): string {
  const file = writeMachineFile(root, `${SCRIPTS}/${script.name}`, script.script, 0o744);
  const unit = `coreos-cloudinit-${script.name}.service`;
  writeMachineFile(
    root,
    join(unitDirs("/").run, unit),
    `[Service]\nType=oneshot\nExecStart=/bin/bash ${file}\n`,
    0o644,
  );
  writeMachineFile(root, `${SCRIPTS}/unit-name`, unit, 0o644);
  return unit;
}
