import { connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { MachineError } from "../errors.js";
import { machinePaths } from "../layout.js";
import type { Reply, Request } from "./protocol.js";
import type { MachineClient, MachineStatus } from "./types.js";

function open(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    s.once("connect", () => resolve(s));
    s.once("error", (err) =>
      reject(new MachineError(`cannot reach the machine agent at ${socketPath}: ${err.message}`)),
    );
  });
}

async function* exchange(
  socketPath: string,
  req: Request,
  signal?: AbortSignal,
): AsyncGenerator<Reply> {
  const socket = await open(socketPath);
  const abort = () => socket.destroy();
  signal?.addEventListener("abort", abort, { once: true });
  try {
    socket.write(`${JSON.stringify(req)}\n`);
    for await (const line of createInterface({ input: socket })) {
      yield JSON.parse(line) as Reply;
    }
  } finally {
    signal?.removeEventListener("abort", abort);
    socket.destroy();
  }
}

async function call(socketPath: string, req: Request, signal?: AbortSignal): Promise<unknown> {
  for await (const reply of exchange(socketPath, req, signal)) {
    if ("line" in reply) continue;
    if (!reply.ok) throw new MachineError(reply.error);
    return reply.result;
  }
  throw new MachineError("the machine agent closed the connection without an answer");
}

/**
 * The machine's status once its boot is over (running, failed or halting),
 * in one request the agent answers when that happens; rejects when the
 * agent does not answer or goes away, or when `signal` aborts.
 */
export async function bootFinished(
  machineDir: string,
  signal?: AbortSignal,
): Promise<MachineStatus> {
  return (await call(
    machinePaths(machineDir).socket,
    { op: "wait-boot" },
    signal,
  )) as MachineStatus;
}

/** A client for the agent at machineDir/agent.sock; checks that it answers. */
export async function connectMachine(machineDir: string): Promise<MachineClient> {
  const socketPath = machinePaths(machineDir).socket;
  await call(socketPath, { op: "status" });
  const unit = (op: "start" | "stop" | "restart" | "remove") => async (name: string) => {
    await call(socketPath, { op, unit: name });
  };
  return {
    status: async () => (await call(socketPath, { op: "status" })) as MachineStatus,
    start: unit("start"),
    stop: unit("stop"),
    restart: unit("restart"),
    remove: unit("remove"),
    install: async (name, content, opts) => {
      await call(socketPath, { op: "install", unit: name, content, runtime: opts?.runtime });
    },
    async *journal(name, opts) {
      const req: Request = { op: "journal", unit: name, lines: opts.lines, follow: opts.follow };
      for await (const reply of exchange(socketPath, req)) {
        if ("line" in reply) yield reply.line;
        else if (!reply.ok) throw new MachineError(reply.error);
        else return;
      }
    },
    reprovision: async () => {
      await call(socketPath, { op: "reprovision" });
    },
    halt: async () => {
      await call(socketPath, { op: "halt" });
    },
    reboot: async () => {
      await call(socketPath, { op: "reboot" });
    },
    close: () => {},
  };
}
