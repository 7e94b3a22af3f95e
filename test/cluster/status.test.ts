import { describe, expect, it } from "vitest";
import { renderStatus } from "../../src/cluster/index.js";

describe("renderStatus", () => {
  it("prints vagrant's layout for several machines", () => {
    const text = renderStatus([
      { name: "core-01", state: "running", provider: "namespace", address: "172.17.8.101" },
      { name: "core-02", state: "poweroff", provider: "namespace", address: "172.17.8.102" },
      { name: "core-03", state: "not created", provider: "namespace", address: "172.17.8.103" },
    ]);
    expect(text).toBe(
      [
        "Current machine states:",
        "",
        "core-01                   running (namespace)",
        "core-02                   poweroff (namespace)",
        "core-03                   not created (namespace)",
        "",
        "This environment represents multiple VMs. The VMs are all listed",
        "above with their current state. For more information about a specific",
        "VM, run `shoal status NAME`.",
        "",
      ].join("\n"),
    );
  });

  it("pads to the longest name beyond 25, and gives one machine its state's long text", () => {
    const name = "a-very-long-machine-name-01";
    const text = renderStatus([
      { name, state: "aborted", provider: "process", address: "127.17.8.101" },
    ]);
    expect(text.split("\n")[2]).toBe(`${name} aborted (process)`);
    expect(text).toContain("The VM is in an aborted state.");
    expect(
      renderStatus([{ name: "core-01", state: "poweroff", provider: "process", address: "" }]),
    ).toContain("The VM is powered off. To restart the VM, simply run `shoal up`\n");
  });
});
