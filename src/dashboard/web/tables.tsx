import type { ClusterView, MachineView } from "../types.js";
import { bytes, clock, updateStatus, uptime } from "./format.js";

/** POST path; label says it as the command; key marks which row is busy meanwhile. */
export type Act = (path: string, label: string, key: string) => void;
export type Tail = (machine: string, unit?: string) => void;

interface Props {
  view: ClusterView;
  act: Act;
  tail: Tail;
  busy: ReadonlySet<string>;
}

/** A row's action buttons: each POSTs its path, said as the command it is; off while the row is busy. */
function Actions({
  verbs,
  target,
  path,
  label,
  act,
  busy,
}: {
  verbs: readonly string[];
  target: { machine: string } | { unit: string };
  path: (verb: string) => string;
  label: (verb: string) => string;
  act: Act;
  busy: ReadonlySet<string>;
}) {
  const key = "machine" in target ? target.machine : target.unit;
  const data =
    "machine" in target ? { "data-machine": target.machine } : { "data-unit": target.unit };
  return (
    <div class="actions">
      {verbs.map((a) => (
        <button
          type="button"
          key={a}
          data-action={a}
          {...data}
          disabled={busy.has(key)}
          onClick={() => act(path(a), label(a), key)}
        >
          {a}
        </button>
      ))}
    </div>
  );
}

/** Which of halt/up/reload make sense in a state, as the CLI would take them without a no-op. */
function actionsFor(m: MachineView): Array<"halt" | "up" | "reload"> {
  if (m.state === "running") return ["halt", "reload"];
  return ["up"];
}

export function Machines({ view, act, tail, busy, now }: Props & { now: number }) {
  return (
    <table class="machines">
      <thead>
        <tr>
          <th scope="col">Machine</th>
          <th scope="col">State</th>
          <th scope="col">Provider</th>
          <th scope="col">Address</th>
          <th scope="col">Uptime</th>
          <th scope="col">Channel</th>
          <th scope="col">Release</th>
          <th scope="col">Update</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {view.machines.map((m) => (
          <tr key={m.name} data-machine={m.name} data-state={m.state}>
            <th scope="row">
              <button
                type="button"
                class="link"
                title={`tail ${m.name}'s console`}
                onClick={() => tail(m.name)}
              >
                {m.name}
              </button>
              {view.etcd.leaderMachine === m.name && m.state === "running" ? (
                <span class="leader-badge" data-leader="true" title="etcd leader">
                  leader
                </span>
              ) : null}
            </th>
            <td data-label="state">
              <span class={`state ${m.state.replace(" ", "-")}`}>{m.state}</span>
            </td>
            <td data-label="provider">{m.provider}</td>
            <td class="mono" data-label="address">
              {m.address}
            </td>
            <td data-label="up">{m.state === "running" ? uptime(m.startedAt, now) : "–"}</td>
            <td data-label="channel">{m.updateChannel ?? "–"}</td>
            <td
              class="mono"
              data-label="release"
              title={m.slot ? `from slot USR-${m.slot}` : undefined}
            >
              {m.version ?? "–"}
              {m.slot ? <span class="slot"> {m.slot}</span> : null}
            </td>
            <td data-label="update" data-update-status={m.updateStatus}>
              <UpdateState m={m} />
            </td>
            <td>
              <Actions
                verbs={actionsFor(m)}
                target={{ machine: m.name }}
                path={(a) => `/api/machines/${encodeURIComponent(m.name)}/${a}`}
                label={(a) => `shoal ${a} ${m.name}`}
                act={act}
                busy={busy}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** update-engine's status in short, the update it got, and a refused update in red. */
export function UpdateState({ m }: { m: MachineView }) {
  if (m.state !== "running") return <>–</>;
  return (
    <>
      <span title={m.updateStatus}>{updateStatus(m.updateStatus)}</span>
      {m.newVersion ? <span class="mono"> → {m.newVersion}</span> : null}
      {m.updateError ? <div class="problem-text">{m.updateError}</div> : null}
    </>
  );
}

export function Etcd({ view }: { view: ClusterView }) {
  if (view.etcd.members.length === 0) return <p class="empty">No etcd member answers.</p>;
  return (
    <table class="etcd">
      <thead>
        <tr>
          <th scope="col">Member</th>
          <th scope="col">Machine</th>
          <th scope="col">Health</th>
          <th scope="col">Raft term</th>
          <th scope="col">Raft index</th>
          <th scope="col">DB size</th>
          <th scope="col">Latency</th>
        </tr>
      </thead>
      <tbody>
        {view.etcd.members.map((e) => (
          <tr key={e.id} data-member={e.id} data-machine={e.machine}>
            <td class="mono">
              {e.id}
              {e.isLeader ? (
                <span class="leader-badge" data-leader="true">
                  leader
                </span>
              ) : null}
            </td>
            <td>{e.machine}</td>
            <td>
              <span class={e.healthy ? "state running" : "state aborted"}>
                {e.healthy ? "healthy" : "unhealthy"}
              </span>
            </td>
            <td>{e.raftTerm ?? "–"}</td>
            <td>{e.raftIndex ?? "–"}</td>
            <td>{bytes(e.dbSizeBytes)}</td>
            <td>{e.healthLatencyMs.toFixed(1)} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Fleet({ view, act, tail, busy }: Props) {
  const fleet = view.fleet;
  if (!fleet.reachable) return <p class="empty">fleet is not reachable: no etcd member answers.</p>;
  return (
    <>
      <h3>Machines</h3>
      <table class="fleet-machines">
        <thead>
          <tr>
            <th scope="col">Machine</th>
            <th scope="col">ID</th>
            <th scope="col">IP</th>
            <th scope="col">Metadata</th>
          </tr>
        </thead>
        <tbody>
          {fleet.machines.map((m) => (
            <tr key={m.id}>
              <td>{m.hostname ?? "–"}</td>
              <td class="mono">{m.id.slice(0, 8)}</td>
              <td class="mono">{m.ip ?? "–"}</td>
              <td class="mono">
                {Object.entries(m.metadata)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(", ") || "–"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Units</h3>
      {fleet.units.length === 0 ? (
        <p class="empty">No units. Start one with `fleetctl start UNIT` on any machine.</p>
      ) : (
        <table class="fleet-units">
          <thead>
            <tr>
              <th scope="col">Unit</th>
              <th scope="col">Desired</th>
              <th scope="col">Current</th>
              <th scope="col">Machine</th>
              <th scope="col">Active</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {fleet.units.map((u) => (
              <tr key={u.name} data-unit={u.name} data-machine={u.machine}>
                <td>
                  {u.machine ? (
                    <button
                      type="button"
                      class="link"
                      title={`tail ${u.name} on ${u.machine}`}
                      onClick={() => tail(u.machine as string, u.name)}
                    >
                      {u.name}
                    </button>
                  ) : (
                    u.name
                  )}
                  {u.description ? <div class="desc">{u.description}</div> : null}
                  {u.unplaceable ? <div class="problem-text">{u.unplaceable}</div> : null}
                </td>
                <td>{u.desired}</td>
                <td>{u.current}</td>
                <td>{u.machine ?? "–"}</td>
                <td>
                  <span
                    class={`state ${u.active === "failed" ? "aborted" : u.active === "active" ? "running" : "poweroff"}`}
                  >
                    {u.active ? `${u.active} (${u.sub})` : "–"}
                  </span>
                </td>
                <td>
                  <Actions
                    verbs={u.desired === "launched" ? ["stop"] : ["start"]}
                    target={{ unit: u.name }}
                    path={(a) => `/api/units/${encodeURIComponent(u.name)}/${a}`}
                    label={(a) => `fleetctl ${a} ${u.name}`}
                    act={act}
                    busy={busy}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function Events({ view }: { view: ClusterView }) {
  if (view.events.length === 0)
    return <p class="empty">Nothing happened since the dashboard started.</p>;
  return (
    <ol class="events">
      {view.events.map((e, i) => (
        <li key={`${e.at}-${i}`} class={`event ${e.kind}`} data-kind={e.kind}>
          <time dateTime={e.at}>{clock(e.at)}</time> {e.text}
        </li>
      ))}
    </ol>
  );
}
