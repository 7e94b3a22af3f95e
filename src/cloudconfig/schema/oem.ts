import { string } from "./types.js";

/** `coreos.oem` -> /etc/oem-release, spec §3.12. */
export const oem = {
  id: string(),
  name: string(),
  version_id: string(),
  home_url: string(),
  bug_report_url: string(),
};
