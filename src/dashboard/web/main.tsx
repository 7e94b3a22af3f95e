/// <reference lib="dom" />
import "./style.css";
import "./panels.css";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ClusterView } from "../types.js";
import { apiUrl, post } from "./api.js";
import { applyPatch } from "./format.js";
import { Journal } from "./journal.js";
import { Etcd, Events, Fleet, Machines } from "./tables.js";
import { Topology } from "./topology.js";
import { Updates } from "./updates.js";

type Link = "connecting" | "live" | "reconnecting";

function App() {
  const [view, setView] = useState<ClusterView | undefined>();
  const [link, setLink] = useState<Link>("connecting");
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [said, setSaid] = useState<{ ok: boolean; label: string; text: string } | undefined>();
  const [journal, setJournal] = useState<{ machine: string; unit?: string } | undefined>();

  useEffect(() => {
    // The server pushes; the page never polls it. EventSource reconnects by itself.
    const source = new EventSource(apiUrl("/api/events"));
    source.addEventListener("cluster", (e) => {
      setView(JSON.parse((e as MessageEvent<string>).data) as ClusterView);
      setLink("live");
    });
    source.addEventListener("patch", (e) => {
      const patch = JSON.parse((e as MessageEvent<string>).data) as Record<string, unknown>;
      setView((old) => (old ? applyPatch(old, patch) : old));
    });
    source.addEventListener("error", () => setLink("reconnecting"));
    // Only the uptime column moves with the clock.
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      source.close();
      clearInterval(tick);
    };
  }, []);

  const act = (path: string, label: string, key: string) => {
    setBusy((b) => new Set([...b, key]));
    setSaid({ ok: true, label, text: "running…" });
    void post(path).then((answer) => {
      setSaid({ ok: answer.ok, label, text: answer.text || "done" });
      setBusy((b) => new Set([...b].filter((k) => k !== key)));
    });
  };
  const tail = (machine: string, unit?: string) =>
    setJournal(unit ? { machine, unit } : { machine });

  if (!view) return <p class="loading">Loading the cluster…</p>;
  const running = view.machines.filter((m) => m.state === "running").length;
  return (
    <>
      <header class="top">
        <h1>
          shoal <span class="dir">{view.dir}</span>
        </h1>
        <p class="summary">
          <span data-summary="machines">
            {running}/{view.machines.length} running
          </span>
          <span>etcd leader: {view.etcd.leaderMachine ?? "none"}</span>
          <span class={`link-state ${link}`} role="status">
            {link}
          </span>
        </p>
      </header>
      <main>
        {!view.created ? (
          <p class="banner not-created" role="status" data-banner="not-created">
            This cluster is not created: no machine exists. Run <code>shoal up</code> in {view.dir}.
          </p>
        ) : null}
        {view.problem ? (
          <p class="banner problem" role="alert">
            The last look failed: {view.problem}
          </p>
        ) : null}
        {said ? (
          <p
            class={said.ok ? "banner said" : "banner problem"}
            role="status"
            data-said={said.label}
          >
            <code>{said.label}</code>: {said.text}
          </p>
        ) : null}
        <div class="grid">
          <section class="panel wide" aria-labelledby="h-machines">
            <h2 id="h-machines">Machines</h2>
            <div class="scroll">
              <Machines view={view} act={act} tail={tail} busy={busy} now={now} />
            </div>
          </section>
          <section class="panel topology-panel" aria-labelledby="h-topology">
            <h2 id="h-topology">Topology</h2>
            <Topology view={view} tail={tail} />
          </section>
          <section class="panel etcd-panel" aria-labelledby="h-etcd">
            <h2 id="h-etcd">etcd</h2>
            <div class="scroll">
              <Etcd view={view} />
            </div>
          </section>
          {journal ? <Journal {...journal} close={() => setJournal(undefined)} /> : null}
          <section class="panel fleet-panel" aria-labelledby="h-fleet">
            <h2 id="h-fleet">fleet</h2>
            <div class="scroll">
              <Fleet view={view} act={act} tail={tail} busy={busy} />
            </div>
          </section>
          <section class="panel updates-panel" aria-labelledby="h-updates">
            <h2 id="h-updates">Updates</h2>
            <div class="scroll">
              <Updates view={view} />
            </div>
          </section>
          <section class="panel events-panel" aria-labelledby="h-events">
            <h2 id="h-events">Events</h2>
            <Events view={view} />
          </section>
        </div>
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(<App />, root);
}
