/**
 * The engine's control socket, in the role update_engine's D-Bus interface
 * plays (GetStatus, AttemptUpdate, ResetStatus, the StatusUpdate signal):
 * newline-delimited JSON over a unix socket. One request per connection;
 * `watch` keeps the connection and sends each status change.
 */
import { EventEmitter } from "node:events";
import { rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import type { UpdateEngine } from "./engine.js";
import type { CheckScheduler } from "./scheduler.js";
import type { EngineState } from "./status.js";

export type ControlRequest = { op: "status" } | { op: "check" } | { op: "reset" } | { op: "watch" };
export type ControlReply = { state: EngineState } | { error: string };

/** Status changes, fed by the engine's onStatus and read by watchers. */
export class StatusFeed extends EventEmitter<{ status: [EngineState] }> {
  publish = (state: EngineState): void => {
    this.emit("status", state);
  };
}

const MAX_LINE = 4096;

export function serveControl(
  socketPath: string,
  engine: UpdateEngine,
  scheduler: CheckScheduler,
  feed: StatusFeed,
): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const handle = (socket: Socket, req: ControlRequest) => {
    const reply = (r: ControlReply) => socket.write(`${JSON.stringify(r)}\n`);
    switch (req.op) {
      case "status":
        reply({ state: engine.state });
        return void socket.end();
      case "check":
        // AttemptUpdate returns at once; the check goes on in the daemon.
        void scheduler.checkNow();
        reply({ state: engine.state });
        return void socket.end();
      case "reset":
        engine.reset();
        reply({ state: engine.state });
        return void socket.end();
      case "watch": {
        const send = (state: EngineState) => reply({ state });
        feed.on("status", send);
        socket.on("close", () => feed.off("status", send));
        return;
      }
      default:
        reply({ error: `unknown request ${JSON.stringify(req)}` });
        return void socket.end();
    }
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf("\n");
      if (nl < 0) {
        if (buffer.length > MAX_LINE) socket.destroy();
        return;
      }
      socket.removeAllListeners("data");
      try {
        handle(socket, JSON.parse(buffer.slice(0, nl)) as ControlRequest);
      } catch (err) {
        socket.end(`${JSON.stringify({ error: `bad request: ${String(err)}` })}\n`);
      }
    });
  });
  rmSync(socketPath, { force: true });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Watchers hold their connections open; the daemon's end ends them.
            for (const s of sockets) s.destroy();
            rmSync(socketPath, { force: true });
          }),
      });
    });
  });
}

/**
 * Sends one request; calls `onReply` for each reply line until the daemon
 * closes the connection, and `onSent` once the request is on its way.
 */
export function callControl(
  socketPath: string,
  req: ControlRequest,
  onReply: (r: ControlReply) => void,
  signal?: AbortSignal,
  onSent?: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = "";
    const onAbort = () => {
      socket.destroy();
      resolve();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    // Callers that reconnect with one signal must not pile up listeners on it.
    socket.on("close", () => signal?.removeEventListener("abort", onAbort));
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify(req)}\n`, () => onSent?.()));
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        onReply(JSON.parse(buffer.slice(0, nl)) as ControlReply);
        buffer = buffer.slice(nl + 1);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve());
  });
}
