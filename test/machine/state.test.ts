/** Every transition of a unit's state, as a table: from, event, to. */
import { describe, expect, it } from "vitest";
import {
  INITIAL,
  transition,
  type UnitEvent,
  type UnitStatus,
} from "../../src/machine/init/state.js";

const s = (active: UnitStatus["active"], sub: string, reason?: string): UnitStatus =>
  reason === undefined ? { active, sub } : { active, sub, reason };

const FAILED = s("failed", "failed", "main process exited with status 1");

const table: Array<[string, UnitStatus, UnitEvent, UnitStatus]> = [
  ["a start forgets the last failure", FAILED, { type: "begin" }, s("failed", "failed")],
  [
    "a masked start keeps the state, says why",
    INITIAL,
    { type: "reason", reason: "unit x is masked" },
    s("inactive", "dead", "unit x is masked"),
  ],
  ["ExecStartPre= runs", INITIAL, { type: "start-pre" }, s("activating", "start-pre")],
  ["ExecStart= runs", s("activating", "start-pre"), { type: "start" }, s("activating", "start")],
  [
    "a service's main process runs",
    s("activating", "start"),
    { type: "started", sub: "running" },
    s("active", "running"),
  ],
  ["a target is reached", INITIAL, { type: "started", sub: "active" }, s("active", "active")],
  [
    "a oneshot with RemainAfterExit= stays active",
    s("activating", "start"),
    { type: "started", sub: "exited" },
    s("active", "exited"),
  ],
  ["a plain oneshot is done", s("activating", "start"), { type: "finished" }, INITIAL],
  [
    "a failed start",
    s("activating", "start-pre"),
    { type: "failed", reason: "ExecStartPre failed: /bin/false" },
    s("failed", "failed", "ExecStartPre failed: /bin/false"),
  ],
  [
    "the main process exits cleanly",
    s("active", "running"),
    { type: "main-exited", clean: true, reason: "main process exited with status 0" },
    INITIAL,
  ],
  [
    "the main process fails",
    s("active", "running"),
    { type: "main-exited", clean: false, reason: "main process exited with status 1" },
    FAILED,
  ],
  [
    "Restart= applies: the reason stays visible",
    FAILED,
    { type: "auto-restart" },
    s("activating", "auto-restart", FAILED.reason),
  ],
  [
    "RestartSec= ran out",
    s("activating", "auto-restart", FAILED.reason),
    { type: "restart-due" },
    s("inactive", "dead", FAILED.reason),
  ],
  [
    "a due restart that a stop overtook changes nothing",
    s("inactive", "dead"),
    { type: "restart-due" },
    s("inactive", "dead"),
  ],
  ["a stop begins", s("active", "running"), { type: "stopping" }, s("deactivating", "stop")],
  ["a stop ends", s("deactivating", "stop"), { type: "stopped" }, INITIAL],
  [
    "stopping a failed unit that runs nothing keeps it failed",
    FAILED,
    { type: "stop-idle" },
    FAILED,
  ],
  [
    "stopping a unit waiting to restart",
    s("activating", "auto-restart"),
    { type: "stop-idle" },
    INITIAL,
  ],
];

describe("a unit's state", () => {
  it.each(table)("%s", (_what, from, event, to) => {
    expect(transition(from, event)).toEqual(to);
  });

  it("never changes the state it is given", () => {
    const from = s("active", "running");
    transition(from, { type: "stopping" });
    expect(from).toEqual(s("active", "running"));
  });
});
