import type { ClusterView } from "../types.js";
import { clock } from "./format.js";
import { UpdateState } from "./tables.js";

/**
 * Each channel's release and rollout (a paused one in red, with the
 * command that resumes it), each machine's release and update status,
 * and who holds locksmith's reboot lock.
 */
export function Updates({ view }: { view: ClusterView }) {
  const { channels, rebootLock } = view.updates;
  const paused = channels.filter((c) => c.paused !== undefined);
  return (
    <>
      {paused.map((c) => (
        <p key={c.name} class="banner problem" role="alert" data-paused={c.name}>
          {c.name}'s rollout of {c.release} is paused: {c.paused}. Resume it with{" "}
          <code>shoal updates resume {c.name}</code>.
        </p>
      ))}
      {channels.length === 0 ? (
        <p class="empty">No update server store yet: `shoal up` starts the server.</p>
      ) : (
        <table class="channels">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Release</th>
              <th scope="col">Published</th>
              <th scope="col">Rollout</th>
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.name} data-channel={c.name} data-release={c.release}>
                <td>{c.name}</td>
                <td class="mono">
                  {c.release || "–"}
                  {c.base ? <span class="desc"> (base)</span> : null}
                </td>
                <td>{c.published ? clock(c.published) : "–"}</td>
                <td>
                  <span
                    class={c.paused !== undefined ? "state aborted" : "state running"}
                    data-rollout={c.paused !== undefined ? "paused" : "active"}
                  >
                    {c.paused !== undefined ? "paused" : "active"}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Machines</h3>
      <table class="update-machines">
        <thead>
          <tr>
            <th scope="col">Machine</th>
            <th scope="col">Channel</th>
            <th scope="col">Release</th>
            <th scope="col">Update</th>
          </tr>
        </thead>
        <tbody>
          {view.machines.map((m) => (
            <tr key={m.name} data-machine={m.name}>
              <td>{m.name}</td>
              <td>{m.updateChannel ?? "–"}</td>
              <td class="mono">
                {m.version ?? "–"}
                {m.slot ? ` (${m.slot})` : ""}
              </td>
              <td data-update-status={m.updateStatus}>
                <UpdateState m={m} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="reboot-lock" data-holders={rebootLock?.holders.join(",") ?? ""}>
        Reboot lock:{" "}
        {!rebootLock
          ? "unknown (no etcd member answers)"
          : rebootLock.holders.length === 0
            ? `free (${rebootLock.max} at a time)`
            : `held by ${rebootLock.holders.join(", ")} (${rebootLock.holders.length} of ${rebootLock.max})`}
      </p>
    </>
  );
}
