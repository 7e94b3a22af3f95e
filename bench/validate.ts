/**
 * bench/validate: validations per second over the shared vectors, and the
 * time to validate 64 KiB, 256 KiB and 1 MiB generated cloud-configs.
 *
 * Anchor: the `yaml` package's plain parseDocument (YAML 1.1) of the same
 * input, i.e. what parsing alone costs; the ratio is our overhead on top
 * (positions, the weak tree, the libyaml tab check, the six rules).
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { validate } from "../src/cloudconfig/index.js";
import { compare, type Figure } from "./lib/compare.js";

const vectors = (
  JSON.parse(
    readFileSync(
      new URL("../test/fixtures/cloudinit/validate-vectors.json", import.meta.url),
      "utf8",
    ),
  ) as { input: string }[]
).map((v) => v.input);

const parseOnly = (text: string) => parseDocument(text, { version: "1.1", uniqueKeys: false });

/** Inputs per second over the whole vector list, run for at least `ms`. */
function throughput(fn: (text: string) => unknown, ms = 300): Promise<number> {
  const start = performance.now();
  let done = 0;
  while (performance.now() - start < ms) {
    for (const v of vectors) fn(v);
    done += vectors.length;
  }
  return Promise.resolve(Math.round(done / ((performance.now() - start) / 1000)));
}

function timed(fn: () => unknown): Promise<number> {
  const start = performance.now();
  fn();
  return Promise.resolve(performance.now() - start);
}

/** A cloud-config of about `bytes` bytes: units with content, files, users, and some mistakes to report. */
function generated(bytes: number): string {
  const parts = [
    "#cloud-config",
    "hostname: bench",
    "coreos:",
    "  etcd2:",
    "    advertise-client-urls: http://$public_ipv4:2379",
    "    listen-client-urls: http://0.0.0.0:2379",
    "  units:",
  ];
  let size = parts.join("\n").length;
  let i = 0;
  const unit = (n: number) =>
    [
      `    - name: app-${n}.service`,
      `      command: ${n % 50 === 0 ? "launch" : "start"}`,
      "      enable: true",
      n % 40 === 0 ? "      bogus-key: 1" : "      runtime: false",
      "      content: |",
      "        [Unit]",
      `        Description=App ${n}`,
      "        [Service]",
      `        ExecStart=/usr/bin/app --port ${8000 + (n % 1000)}`,
      "      drop-ins:",
      "        - name: 10-env.conf",
      `          content: "[Service]\\nEnvironment=N=${n}"`,
    ].join("\n");
  while (size < bytes) {
    const block = unit(i++);
    parts.push(block);
    size += block.length + 1;
  }
  return `${parts.join("\n")}\nwrite_files:\n  - path: /etc/motd\n    content: hi\n`;
}

async function run(): Promise<void> {
  const rates: Figure = {
    title: `validations per second over the ${vectors.length} shared vectors`,
    unit: "inputs/s",
    better: "higher",
    rounds: 7,
    warmup: 2,
    ours: { name: "shoal validate()", measure: () => throughput((t) => validate(t)) },
    anchor: { name: "yaml parseDocument", measure: () => throughput(parseOnly) },
  };
  await compare(rates);

  const growth: string[] = [];
  const sizes: [string, number][] = [
    ["64 KiB", 64 * 1024],
    ["256 KiB", 256 * 1024],
    ["1 MiB", 1024 * 1024],
  ];
  let last = 0;
  for (const [label, bytes] of sizes) {
    const text = generated(bytes);
    const entries = validate(text).entries.length;
    console.log(`\n${label}: ${text.length} bytes, ${entries} entries`);
    const result = await compare({
      title: `time to validate a ${label} generated cloud-config`,
      unit: "ms",
      better: "lower",
      rounds: 7,
      warmup: 2,
      ours: { name: "shoal validate()", measure: () => timed(() => validate(text)) },
      anchor: { name: "yaml parseDocument", measure: () => timed(() => parseOnly(text)) },
    });
    const mib = text.length / 2 ** 20;
    const ours = `${(result.ours.median / mib).toFixed(0)} (best ${(result.ours.best / mib).toFixed(0)})`;
    const anchor = `${(result.anchor.median / mib).toFixed(0)} (best ${(result.anchor.best / mib).toFixed(0)})`;
    growth.push(`${label}: shoal ${ours}, yaml ${anchor}`);
    last = result.ratio;
  }
  // Per-MiB cost at each size: flat means linear growth. Best values are the
  // steadier signal when the host is shared.
  console.log(`\n# ms per MiB, median (best): ${growth.join("; ")}`);
  console.log(`ratio shoal validate()/yaml parseDocument (median, 1 MiB): ${last.toFixed(2)}`);
}

await run();
