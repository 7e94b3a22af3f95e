import type { ClusterView } from "../types.js";
import type { Tail } from "./tables.js";

const W = 440;
const H = 320;
const R = 28;

/**
 * Machines as nodes on a circle, raft peers as edges between the etcd
 * members, the leader ringed, fleet's units written under the machine
 * that runs them; a machine that is not running is greyed. A machine is a
 * button: click it (or Enter on it) to tail its console.
 */
export function Topology({ view, tail }: { view: ClusterView; tail: Tail }) {
  const n = view.machines.length;
  const cx = W / 2;
  const cy = H / 2 - 14;
  const radius = n <= 1 ? 0 : Math.min(W, H) / 2 - 62;
  const pos = new Map(
    view.machines.map((m, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
      return [m.name, { x: cx + radius * Math.cos(a), y: cy + radius * Math.sin(a) }] as const;
    }),
  );
  const members = view.machines.filter(
    (m) => view.etcd.members.some((e) => e.machine === m.name) || m.state !== "running",
  );
  const peers = members.flatMap((a, i) => members.slice(i + 1).map((b) => [a, b] as const));
  const leader = view.etcd.leaderMachine;
  const summary = `${n} machines; etcd leader ${leader ?? "none"}; ${view.fleet.units.length} fleet units`;
  return (
    <svg class="topology" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
      <title>{summary}</title>
      {peers.map(([a, b]) => {
        const p = pos.get(a.name);
        const q = pos.get(b.name);
        if (!p || !q) return null;
        const up = a.state === "running" && b.state === "running";
        return (
          <line
            key={`${a.name}-${b.name}`}
            class={up ? "edge" : "edge off"}
            x1={p.x}
            y1={p.y}
            x2={q.x}
            y2={q.y}
          />
        );
      })}
      {view.machines.map((m) => {
        const p = pos.get(m.name);
        if (!p) return null;
        const on = m.state === "running";
        const units = view.fleet.units.filter((u) => u.machine === m.name);
        return (
          // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; a g with role=button is its accessible one
          <g
            key={m.name}
            class={on ? "node" : "node off"}
            data-machine={m.name}
            data-state={m.state}
            data-leader={m.name === leader && on ? "true" : undefined}
            role="button"
            tabIndex={0}
            aria-label={`${m.name}: tail its console`}
            onClick={() => tail(m.name)}
            onKeyDown={(e) => {
              if (e.key === "Enter" || e.key === " ") {
                e.preventDefault();
                tail(m.name);
              }
            }}
          >
            {m.name === leader && on ? (
              <circle class="leader-ring" cx={p.x} cy={p.y} r={R + 7} />
            ) : null}
            <circle cx={p.x} cy={p.y} r={R} />
            <text class="node-name" x={p.x} y={p.y + 4}>
              {m.name}
            </text>
            <text class="node-state" x={p.x} y={p.y + R + 16}>
              {m.name === leader && on ? `${m.state} · leader` : m.state}
            </text>
            {units.slice(0, 4).map((u, i) => (
              <text
                key={u.name}
                class={`node-unit ${u.active ?? ""}`}
                data-unit={u.name}
                x={p.x}
                y={p.y + R + 32 + i * 14}
              >
                {u.name}
              </text>
            ))}
            {units.length > 4 ? (
              <text class="node-unit" x={p.x} y={p.y + R + 32 + 4 * 14}>
                +{units.length - 4} more
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
