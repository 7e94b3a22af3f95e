import { string } from "./types.js";

/** `write_files[]`: path, content, encoding, permissions and owner of each file. */
export const writeFile = {
  encoding: string({
    valid: /^(base64|b64|gz|gzip|gz\+base64|gzip\+base64|gz\+b64|gzip\+b64)$/,
  }),
  // Decoded content may be any bytes (gzip, base64, !!binary).
  content: { type: "string", bytes: true } as const,
  owner: string(),
  path: string(),
  permissions: string({ valid: /^0?[0-7]{3,4}$/ }),
};
