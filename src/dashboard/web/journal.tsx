import { useEffect, useRef, useState } from "preact/hooks";
import { apiUrl } from "./api.js";

const KEEP_LINES = 500;

/** A machine's console, or one unit's journal, followed live like `shoal logs -f`. */
export function Journal({
  machine,
  unit,
  close,
}: {
  machine: string;
  unit?: string;
  close: () => void;
}) {
  const [lines, setLines] = useState<string[]>([]);
  const [ended, setEnded] = useState<string | undefined>();
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    setLines([]);
    setEnded(undefined);
    const source = new EventSource(apiUrl("/api/journal", { machine, ...(unit ? { unit } : {}) }));
    source.addEventListener("line", (e) =>
      setLines((old) => [...old, (e as MessageEvent<string>).data].slice(-KEEP_LINES)),
    );
    source.addEventListener("end", (e) => {
      setEnded((e as MessageEvent<string>).data);
      source.close();
    });
    return () => source.close();
  }, [machine, unit]);
  useEffect(() => {
    const el = pre.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);
  const what = unit ? `${unit} on ${machine}` : `${machine}'s console`;
  return (
    <section class="panel journal" aria-label={`journal of ${what}`}>
      <header class="panel-head">
        <h2>
          Journal: {what}{" "}
          <span class="cmd">
            shoal logs {machine}
            {unit ? ` ${unit}` : ""} -f
          </span>
        </h2>
        <button type="button" onClick={close}>
          close
        </button>
      </header>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus, or the keyboard cannot scroll it */}
      <pre ref={pre} tabIndex={0}>
        {lines.join("\n")}
        {ended ? `\n-- ${ended} --` : ""}
      </pre>
    </section>
  );
}
