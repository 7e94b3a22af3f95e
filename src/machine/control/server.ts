import { rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { parseRequest, type Reply, type Request } from "./protocol.js";

/** What the agent does for each request; journal streams through `emit`. */
export interface ControlHandler {
  handle(req: Exclude<Request, { op: "journal" }>): Promise<unknown>;
  journal(
    req: Extract<Request, { op: "journal" }>,
    emit: (line: string) => void,
    closed: Promise<void>,
  ): Promise<void>;
}

/** Serves the control protocol on a unix socket; bad requests get an error reply, never a crash. */
export async function serveControl(path: string, handler: ControlHandler): Promise<Server> {
  rmSync(path, { force: true }); // a stale socket from an agent that was killed
  const server = createServer((socket) => void onConnection(socket, handler));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  return server;
}

async function onConnection(socket: Socket, handler: ControlHandler): Promise<void> {
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const send = (reply: Reply) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
  };
  const rl = createInterface({ input: socket });
  const first = await new Promise<string | undefined>((resolve) => {
    rl.once("line", resolve);
    rl.once("close", () => resolve(undefined));
  });
  rl.close();
  if (first === undefined) return;
  try {
    const req = parseRequest(first);
    if (req.op === "journal") {
      await handler.journal(req, (line) => send({ line }), closed);
      send({ ok: true });
    } else {
      const result = await handler.handle(req);
      send(result === undefined ? { ok: true } : { ok: true, result });
    }
  } catch (err) {
    send({ ok: false, error: (err as Error).message });
  }
  socket.end();
}
