import { string } from "./types.js";

/** `coreos.oem` -> /etc/oem-release (KEY=value lines, values quoted). */
export const oem = {
  id: string(),
  name: string(),
  version_id: string(),
  home_url: string(),
  bug_report_url: string(),
};
