import { rmSync } from "node:fs";
import { join } from "node:path";
import { writeMachineFile } from "../apply.js";
import type { Request } from "../control/protocol.js";
import type { ControlHandler } from "../control/server.js";
import { MachineError } from "../errors.js";
import { readJournal } from "../init/journal.js";
import { unitDirs } from "../layout.js";
import type { Agent } from "./agent.js";

type Op = Exclude<Request, { op: "journal" }>["op"];
/** The request for one op (a union member whose op is itself a union counts for each of them). */
type RequestFor<O extends Op> = Request extends infer R
  ? R extends { op: infer P }
    ? O extends P
      ? Omit<R, "op"> & { op: O }
      : never
    : never
  : never;
type Handler<O extends Op> = (agent: Agent, req: RequestFor<O>) => Promise<unknown>;

/** A start that did not bring the unit up, with the init's reason. */
function notStarted(agent: Agent, unit: string): MachineError {
  return new MachineError(`${unit}: ${agent.init.unitState(unit).reason ?? "failed to start"}`);
}

/** What the agent does for each control request; undefined answers `{"ok":true}`. */
const handlers: { [O in Op]: Handler<O> } = {
  status: async (agent) => agent.status(),
  "wait-boot": async (agent) => {
    await agent.booted;
    return agent.status();
  },
  start: async (agent, { unit }) => {
    if (!(await agent.init.start(unit))) throw notStarted(agent, unit);
  },
  restart: async (agent, { unit }) => {
    if (!(await agent.init.restart(unit))) throw notStarted(agent, unit);
  },
  stop: async (agent, { unit }) => {
    await agent.init.stop(unit);
  },
  install: async (agent, { unit, content, runtime }) => {
    const dirs = unitDirs(agent.root);
    writeMachineFile("/", join(runtime ? dirs.run : dirs.etc, unit), content, 0o644);
  },
  remove: async (agent, { unit }) => {
    const dirs = unitDirs(agent.root);
    await agent.init.remove(unit);
    for (const d of [dirs.etc, dirs.run]) rmSync(join(d, unit), { force: true });
  },
  reprovision: async (agent) => {
    await agent.applyUserData();
  },
  halt: async (agent) => {
    // Answered at once: the halt goes on after the reply, and closes the socket last.
    void agent.halt("halt requested");
  },
  reboot: async (agent) => {
    void agent.reboot("reboot requested");
  },
};

/** The control socket's side of the agent: the handler table, and the journal stream. */
export function controlHandler(agent: Agent): ControlHandler {
  return {
    handle: (req) => (handlers[req.op] as Handler<typeof req.op>)(agent, req as never),
    journal: async (req, emit, closed) => {
      await agent.journal.flush();
      for (const line of readJournal(agent.paths.journal, req.unit, req.lines)) emit(line);
      if (!req.follow) return;
      const onLine = (unit: string, line: string) => {
        if (unit === req.unit) emit(line);
      };
      agent.journal.on("line", onLine);
      await Promise.race([closed, agent.finished]);
      agent.journal.off("line", onLine);
    },
  };
}
