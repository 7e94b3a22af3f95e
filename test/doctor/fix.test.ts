import { describe, expect, it } from "vitest";
import { planFix } from "../../src/doctor/fix.js";
import type { CheckResult } from "../../src/doctor/index.js";

const missing = (name: string, pkg: string, required = true): CheckResult => ({
  name,
  required,
  status: required ? "fail" : "warn",
  detail: "not found on PATH",
  packages: [pkg],
});
const ok: CheckResult = { name: "loopback", required: true, status: "ok", detail: "fine" };

describe("planFix", () => {
  it("does nothing when nothing is missing", () => {
    expect(planFix([ok], { root: true, debianLike: true, aptGet: "/usr/bin/apt-get" })).toEqual({
      kind: "nothing",
    });
  });

  it("runs apt-get update and install as root on Debian, each package once", () => {
    const plan = planFix(
      [
        missing("etcd", "etcd-server"),
        missing("unshare", "util-linux", false),
        missing("nsenter", "util-linux", false),
        ok,
      ],
      { root: true, debianLike: true, aptGet: "/usr/bin/apt-get" },
    );
    expect(plan).toEqual({
      kind: "run",
      packages: ["etcd-server", "util-linux"],
      commands: [
        ["/usr/bin/apt-get", "update"],
        [
          "/usr/bin/apt-get",
          "install",
          "-y",
          "--no-install-recommends",
          "etcd-server",
          "util-linux",
        ],
      ],
    });
  });

  it("prints the sudo command when not root on Debian", () => {
    const plan = planFix([missing("etcdctl", "etcd-client")], {
      root: false,
      debianLike: true,
      aptGet: "/usr/bin/apt-get",
    });
    expect(plan).toMatchObject({ kind: "tell", packages: ["etcd-client"] });
    expect(plan.kind === "tell" && plan.message).toBe(
      "run as root: sudo sh -c 'apt-get update && apt-get install -y etcd-client'",
    );
  });

  it("names what to install on other distributions", () => {
    const plan = planFix([missing("etcd", "etcd-server")], {
      root: true,
      debianLike: false,
      aptGet: undefined,
    });
    expect(plan.kind === "tell" && plan.message).toMatch(/etcd and etcdctl 3\.4 or newer$/);
  });
});
