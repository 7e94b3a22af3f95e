/**
 * Release signatures: the server's Ed25519 key signs a short statement of
 * what a payload is (version, size, sha256), so a machine holding the public
 * key can tell the server's payload from any other bytes with the same name.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";

export interface SigningKey {
  /** PKCS#8 PEM: stays in the server's store. */
  privateKey: string;
  /** SPKI PEM: handed to machines (their config drive) and served at /v1/key. */
  publicKey: string;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519", {
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKey, publicKey };
}

export interface ReleaseFacts {
  version: string;
  size: number;
  /** base64 SHA-256 of the payload. */
  sha256: string;
}

/** The signed text: one fact a line, so nothing can be moved from one field to another. */
export function releaseStatement(r: ReleaseFacts): Buffer {
  return Buffer.from(`shoal-release\nversion=${r.version}\nsize=${r.size}\nsha256=${r.sha256}\n`);
}

/** base64 signature of the release's statement. */
export function signRelease(privateKey: string, r: ReleaseFacts): string {
  return sign(null, releaseStatement(r), privateKey).toString("base64");
}

/** True only for a well-formed signature by `publicKey` over exactly these facts. */
export function verifyRelease(publicKey: string, r: ReleaseFacts, signature: string): boolean {
  if (!/^[A-Za-z0-9+/]{86}==$/.test(signature)) return false;
  try {
    const key = createPublicKey(publicKey);
    if (key.asymmetricKeyType !== "ed25519") return false;
    return verify(null, releaseStatement(r), key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
