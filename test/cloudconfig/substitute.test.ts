import { describe, expect, it } from "vitest";
import { type MachineMeta, substitute } from "../../src/cloudconfig/index.js";

const meta: MachineMeta = {
  hostname: "core-01",
  machineId: "m",
  privateIpv4: "192.0.2.13",
  publicIpv4: "203.0.113.29",
};

describe("substitute ($private_ipv4 and $public_ipv4, with \\$ escapes)", () => {
  it.each([
    ["$private_ipv4$private_ipv4", "192.0.2.13$private_ipv4"],
    ["$private_ipv4x", "192.0.2.13x"],
    ["$$private_ipv4", "$192.0.2.13"],
    ["$" + "{private_ipv4}", "$" + "{private_ipv4}"], // braces are not a form upstream knows
    ["$PRIVATE_IPV4", "$PRIVATE_IPV4"],
    ["\\$private_ipv4", "$private_ipv4"],
    ["\\\\$private_ipv4", "\\$private_ipv4"],
    ["$hostname $unknown", "$hostname $unknown"],
    ["http://$private_ipv6|", "http://|"],
    [
      "a: http://$public_ipv4:2379\nb: $private_ipv4\n",
      "a: http://203.0.113.29:2379\nb: 192.0.2.13\n",
    ],
    ["x\n$public_ipv4", "x\n203.0.113.29"],
  ])("%j -> %j", (input, output) => {
    expect(substitute(input, meta)).toBe(output);
  });

  it("uses the empty string when the machine has no such address", () => {
    expect(substitute("http://$private_ipv4:2379", { hostname: "h", machineId: "m" })).toBe(
      "http://:2379",
    );
  });

  it("fills IPv6 addresses too", () => {
    const v6 = { ...meta, privateIpv6: "fd00::1", publicIpv6: "2001:db8::1" };
    expect(substitute("[$private_ipv6] [$public_ipv6]", v6)).toBe("[fd00::1] [2001:db8::1]");
  });
});
