import { describe, expect, it } from "vitest";
import { generateSigningKey, signRelease, verifyRelease } from "../../src/update/index.js";

const facts = {
  version: "1.1.0",
  size: 4096,
  sha256: "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
};

describe("release signatures", () => {
  const key = generateSigningKey();
  const signature = signRelease(key.privateKey, facts);

  it("verifies with the server's public key", () => {
    expect(key.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(verifyRelease(key.publicKey, facts, signature)).toBe(true);
  });

  it.each([
    ["another version", { ...facts, version: "1.1.1" }],
    ["another size", { ...facts, size: 4097 }],
    ["another sha256", { ...facts, sha256: `A${facts.sha256.slice(1)}` }],
  ])("refuses the signature for %s", (_, changed) => {
    expect(verifyRelease(key.publicKey, changed, signature)).toBe(false);
  });

  it("refuses another key's signature, a mangled one and garbage keys", () => {
    const other = generateSigningKey();
    expect(verifyRelease(other.publicKey, facts, signature)).toBe(false);
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    expect(verifyRelease(key.publicKey, facts, flipped)).toBe(false);
    expect(verifyRelease(key.publicKey, facts, "")).toBe(false);
    expect(verifyRelease("not a key", facts, signature)).toBe(false);
  });
});
