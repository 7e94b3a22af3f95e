/**
 * The agent's exit status that means "boot me again": the machine's
 * launcher (outside its init, see providers/common/init.ts) runs the boot
 * once more when the agent ends with it, and ends the machine on any
 * other status. Below 128, so it never reads as a death by signal.
 */
export const REBOOT_STATUS = 100;
