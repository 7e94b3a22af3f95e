/** Where locksmith keeps its reboot semaphore in etcd; plain probes (`updates status`) read it too. */

const KEY_PREFIX = "coreos.com/updateengine/rebootlock";

/** locksmith's key: the default group's, or `groups/<query-escaped group>/semaphore`. */
export function semaphoreKey(group = ""): string {
  if (group === "") return `${KEY_PREFIX}/semaphore`;
  return `${KEY_PREFIX}/groups/${queryEscape(group)}/semaphore`;
}

/** Go's url.QueryEscape: only letters, digits and -_.~ stay, a space is +. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
}
