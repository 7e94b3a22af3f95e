// The floor of shoal's process design, with none of shoal's code: a Node CLI starts one
// Node agent per machine, each agent starts etcd, and the CLI exits once every member's
// /health says true. It prints each agent's pid (its process group) for the caller to stop.
// Usage: node cli.mjs TOKEN_URL DATA_DIR HEARTBEAT_MS ELECTION_MS HOST...
import { spawn } from "node:child_process";
import { get } from "node:http";

const [token, dataDir, heartbeat, election, ...hosts] = process.argv.slice(2);
const agent = new URL("./agent.mjs", import.meta.url).pathname;
for (const host of hosts) {
  const child = spawn(
    process.execPath,
    [agent, host, token, `${dataDir}/${host}`, heartbeat, election],
    { detached: true, stdio: "ignore", env: { PATH: process.env.PATH } },
  );
  console.log(child.pid);
  child.unref();
}

const healthy = (host) =>
  new Promise((resolve) => {
    const req = get(`http://${host}:2379/health`, { timeout: 1000 }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve(body.includes('"true"')));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });

const pending = new Set(hosts);
while (pending.size > 0) {
  for (const host of [...pending]) if (await healthy(host)) pending.delete(host);
  if (pending.size > 0) await new Promise((r) => setTimeout(r, 10));
}
