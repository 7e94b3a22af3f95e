/**
 * locksmithctl's TLS flags against a real etcd that demands client
 * certificates (127.24.11.4, https), with a CA and certificates made by
 * openssl for this run.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdGroup } from "../../e2e/harness/index.js";
import { shoal } from "../../helpers/cli.js";

const HOST = "127.24.11.4";
const URL = `https://${HOST}:2379`;
const etcd = new EtcdGroup();
let dir = "";

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

/** A key and a certificate signed by the test CA; `ext` goes into the certificate. */
function issue(name: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
  openssl(
    ...["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", `/CN=${name}`],
  );
  openssl(
    ...["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca-key.pem"],
    ...["-CAcreateserial", "-days", "1", "-out", `${name}.pem`, "-extfile", `${name}.ext`],
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shoal-locksmith-tls-"));
  openssl(
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "1", "-subj", "/CN=shoal test CA"],
  );
  // etcd's JSON gateway dials its own gRPC side with the server certificate: client auth too.
  issue("server", `subjectAltName=IP:${HOST}\nextendedKeyUsage=serverAuth,clientAuth`);
  issue("client", "extendedKeyUsage=clientAuth");
  const member = etcd.start({
    name: "locksmith-tls",
    host: HOST,
    extraArgs: [
      ...["--listen-client-urls", URL, "--advertise-client-urls", URL],
      ...["--cert-file", join(dir, "server.pem"), "--key-file", join(dir, "server-key.pem")],
      ...["--trusted-ca-file", join(dir, "ca.pem"), "--client-cert-auth"],
    ],
  });
  await member.waitForOutput(/ready to serve client requests/);
});
afterAll(async () => {
  await etcd.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("locksmithctl over TLS", () => {
  it("takes -etcd-cafile, -etcd-certfile and -etcd-keyfile", async () => {
    const tls = [
      ...["-etcd-cafile", join(dir, "ca.pem"), "-etcd-certfile", join(dir, "client.pem")],
      ...["-etcd-keyfile", join(dir, "client-key.pem")],
    ];
    expect(await shoal(["locksmithctl", "-endpoint", URL, ...tls, "lock", "tls-machine"])).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
    expect(await shoal(["locksmithctl", "-endpoint", URL, ...tls, "status"])).toEqual({
      code: 0,
      stdout: "Available: 0\nMax: 1\n\nMACHINE ID\ntls-machine\n",
      stderr: "",
    });
  });

  it("fails with status 1 without a client certificate (saying so), and names a missing file", async () => {
    const noCert = await shoal([
      ...["locksmithctl", "-endpoint", URL, "-etcd-cafile", join(dir, "ca.pem"), "status"],
    ]);
    expect(noCert.code).toBe(1);
    expect(noCert.stderr).toBe(
      "Error initializing etcd client: client: etcd cluster is unavailable or misconfigured; error #0: remote error: tls: bad certificate\n",
    );
    const missing = await shoal([
      ...["locksmithctl", "-endpoint", URL, "-etcd-cafile", join(dir, "nope.pem"), "status"],
    ]);
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: `Error initializing etcd client: ENOENT: no such file or directory, open '${join(dir, "nope.pem")}'\n`,
    });
  });
});
