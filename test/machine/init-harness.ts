import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../src/host/index.js";
import { Init } from "../../src/machine/init/init.js";
import { Journal } from "../../src/machine/init/journal.js";
import { GroupReaper } from "../../src/machine/init/reaper.js";
import type { BuiltinUnit } from "../../src/machine/units/index.js";

/**
 * An init in this process over a fresh machine directory, with `unitFiles`
 * in its /etc/systemd/system. Its halt and the directory's removal go to
 * `cleanups`, which the test runs after each test, also when it failed.
 */
export function initOn(
  cleanups: Array<() => Promise<void>>,
  builtins: BuiltinUnit[],
  unitFiles: Record<string, string> = {},
  clock?: Clock,
): { init: Init; dir: string; journal: Journal } {
  const dir = mkdtempSync(join(tmpdir(), "shoal-init-"));
  const root = join(dir, "root");
  const units = join(root, "etc", "systemd", "system");
  mkdirSync(units, { recursive: true });
  for (const [name, content] of Object.entries(unitFiles))
    writeFileSync(join(units, name), content);
  const journal = new Journal(join(dir, "journal"), "core-01");
  const reaper = new GroupReaper(join(dir, "unit-groups"));
  const init = new Init({
    ctx: {
      machineDir: dir,
      root,
      hostname: "core-01",
      machineId: "0".repeat(32),
      sharedNetwork: true,
      etcd: { role: "member" },
      shoal: { argv: [], commands: [] },
    },
    journal,
    builtins: new Map(builtins.map((b) => [b.name, b])),
    binDir: join(dir, "bin"),
    log: () => {},
    unitRoot: root,
    reaper,
    ...(clock ? { clock } : {}),
  });
  cleanups.push(async () => {
    await init.halt();
    await reaper.close();
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { init, dir, journal };
}

/** A unit's active/sub state and reason, as systemctl shows them. */
export const unitStatus = (init: Init, name: string) => {
  const { active, sub, reason } = init.unitState(name);
  return { active, sub, ...(reason ? { reason } : {}) };
};
