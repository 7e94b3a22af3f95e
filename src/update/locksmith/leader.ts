/**
 * Before an etcd member that leads goes down for a reboot, hand its
 * leadership to a healthy peer (etcd's MoveLeader, through the v3 JSON
 * gateway), so the cluster does not sit out an election timeout without a
 * leader. locksmith never did this.
 */
import { healthy, hexId, memberStatus, members } from "../../etcd/index.js";
import { exchange } from "../../host/index.js";

export interface HandOff {
  /** What happened, for the log. */
  note: string;
  /** Whether leadership left this member. */
  moved: boolean;
}

/** Moves leadership off the member at memberUrl if it leads; waits until a peer leads. */
export async function handOffLeadership(memberUrl: string, timeoutMs = 10_000): Promise<HandOff> {
  const self = await memberStatus(memberUrl);
  if (!self)
    return { moved: false, note: `etcd at ${memberUrl} does not answer; nothing to hand off` };
  if (self.leader !== self.memberId)
    return { moved: false, note: "this etcd member is not the leader" };
  const peers = (await members(memberUrl)) ?? [];
  let target: { id: string; name: string } | undefined;
  for (const peer of peers) {
    if (peer.id === self.memberId || peer.clientURLs.length === 0) continue;
    if (await healthy(peer.clientURLs[0] as string)) {
      target = peer;
      break;
    }
  }
  if (!target)
    return { moved: false, note: "no healthy peer to take over leadership; rebooting the leader" };

  const res = await exchange(`${memberUrl}/v3/maintenance/transfer-leadership`, {
    body: { targetID: target.id },
    timeoutMs,
  });
  if (res.status >= 400) {
    return {
      moved: false,
      note: `moving leadership to ${target.name} failed: HTTP ${res.status} ${res.text.trim()}`,
    };
  }
  // MoveLeader returns once the transfer is done; confirm the member sees it.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await memberStatus(memberUrl);
    if (now && now.leader !== self.memberId && now.leader !== "0") {
      return {
        moved: true,
        note: `moved etcd leadership from ${hexId(self.memberId)} to ${target.name} (${hexId(now.leader)})`,
      };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { moved: false, note: `leadership did not move to ${target.name} in ${timeoutMs} ms` };
}
