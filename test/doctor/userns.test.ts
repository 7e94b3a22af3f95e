import { describe, expect, it } from "vitest";
import { usernsBlockers } from "../../src/doctor/userns.js";

describe("what forbids user namespaces to users without root", () => {
  it.each([
    [{}, []],
    [{ unprivilegedUsernsClone: "1", maxUserNamespaces: "63000", apparmorRestrict: "0" }, []],
    [{ unprivilegedUsernsClone: "0" }, ["sysctl -w kernel.unprivileged_userns_clone=1"]],
    [{ maxUserNamespaces: "0" }, ["sysctl -w user.max_user_namespaces=15000"]],
    [
      { apparmorRestrict: "1", maxUserNamespaces: "0" },
      [
        "sysctl -w user.max_user_namespaces=15000",
        "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or an AppArmor profile that allows userns for unshare)",
      ],
    ],
  ])("%j needs %j", (sysctls, fixes) => {
    expect(usernsBlockers(sysctls).map((b) => b.fix)).toEqual(fixes);
  });

  it("names the setting in each problem", () => {
    const [clone, max, apparmor] = usernsBlockers({
      unprivilegedUsernsClone: "0",
      maxUserNamespaces: "0",
      apparmorRestrict: "1",
    });
    expect(clone?.problem).toContain("kernel.unprivileged_userns_clone is 0");
    expect(max?.problem).toContain("user.max_user_namespaces is 0");
    expect(apparmor?.problem).toContain("kernel.apparmor_restrict_unprivileged_userns is 1");
  });
});
