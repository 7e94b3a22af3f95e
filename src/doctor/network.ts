import { createServer } from "node:net";
import type { CheckResult, DoctorEnv } from "./types.js";

type BindOutcome = "free" | "in use" | "unavailable";

/** Tries to listen on host:port and says whether that worked. */
export function tryBind(host: string, port: number): Promise<BindOutcome> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      resolve(err.code === "EADDRINUSE" ? "in use" : "unavailable");
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve("free")));
  });
}

/** Machines' loopback addresses must be bindable (Linux routes all of 127/8 to lo). */
export async function checkLoopback(env: DoctorEnv): Promise<CheckResult> {
  const outcomes = await Promise.all(env.machineAddresses.map((a) => tryBind(a, 0)));
  const bad = env.machineAddresses.filter((_, i) => outcomes[i] !== "free");
  const range = `${env.machineAddresses[0]}-${env.machineAddresses.at(-1)?.split(".").at(-1)}`;
  if (bad.length === 0) {
    return { name: "loopback", required: true, status: "ok", detail: `${range} can be bound` };
  }
  return {
    name: "loopback",
    required: true,
    status: "fail",
    detail: `cannot bind ${bad.join(", ")}`,
    fix: "make sure the loopback interface lo is up and owns 127.0.0.0/8 (ip addr show lo)",
  };
}

/** etcd's client and peer ports on each machine address, and the discovery server's port. */
export async function checkPorts(env: DoctorEnv): Promise<CheckResult[]> {
  const wanted = env.machineAddresses.flatMap((host) =>
    env.machinePorts.map((port) => ({ host, port })),
  );
  const outcomes = await Promise.all(wanted.map(({ host, port }) => tryBind(host, port)));
  const busy = wanted.filter((_, i) => outcomes[i] === "in use");
  const machines: CheckResult = busy.length
    ? {
        name: "ports",
        required: true,
        status: "fail",
        detail: `in use: ${busy.map(({ host, port }) => `${host}:${port}`).join(", ")}`,
        fix: `stop what listens there (ss -ltnp 'sport = :${busy[0]?.port}')`,
      }
    : {
        name: "ports",
        required: true,
        status: "ok",
        detail: `etcd ports ${env.machinePorts.join(", ")} are free on the machine addresses`,
      };
  const { host, port } = env.discoveryListen;
  const discovery: CheckResult =
    (await tryBind(host, port)) === "free"
      ? {
          name: "discovery-port",
          required: false,
          status: "ok",
          detail: `${host}:${port} is free for the discovery server`,
        }
      : {
          name: "discovery-port",
          required: false,
          status: "warn",
          detail: `${host}:${port} is taken; a shoal discovery server may already run there`,
          fix: `give \`shoal discovery serve\` another address with --listen, or stop what listens on ${port}`,
        };
  return [machines, discovery];
}
