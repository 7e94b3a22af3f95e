/**
 * Before an etcd member that leads goes down for a reboot, hand its
 * leadership to a healthy peer (etcd's MoveLeader, through the v3 JSON
 * gateway), so the cluster does not sit out an election timeout without a
 * leader. locksmith never did this.
 */
import { health, hexId, memberStatus, members } from "../../etcd/index.js";
import { exchange } from "../../host/index.js";

export interface HandOff {
  /** What happened, for the log. */
  note: string;
  /** Whether leadership left this member. */
  moved: boolean;
}

/** Moves leadership off the member at memberUrl if it leads; waits until a peer leads. */
export async function handOffLeadership(memberUrl: string, timeoutMs = 10_000): Promise<HandOff> {
  const asked = await memberStatus(memberUrl);
  if ("reason" in asked)
    return { moved: false, note: `etcd does not answer (${asked.reason}); nothing to hand off` };
  const self = asked.value;
  if (self.leader !== self.memberId)
    return { moved: false, note: "this etcd member is not the leader" };
  const listed = await members(memberUrl);
  const peers = "value" in listed ? listed.value : [];
  let target: { id: string; name: string } | undefined;
  for (const peer of peers) {
    if (peer.id === self.memberId || peer.clientURLs.length === 0) continue;
    if ("value" in (await health(peer.clientURLs[0] as string))) {
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
    const answer = await memberStatus(memberUrl);
    const now = "value" in answer ? answer.value : undefined;
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
