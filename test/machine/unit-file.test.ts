// biome-ignore-all lint/suspicious/noTemplateCurlyInString: systemd command lines use ${VAR}
import { describe, expect, it } from "vitest";
import {
  expandSpecifiers,
  parseEnvironment,
  parseEnvironmentFile,
  parseExec,
} from "../../src/machine/init/command-line.js";
import { parseTimespan, toSpec } from "../../src/machine/init/spec.js";
import { parseUnitFile, UnitFileError } from "../../src/machine/init/unit-file.js";

const spec = (text: string, ...dropIns: string[]) =>
  toSpec("x.service", [
    ...parseUnitFile(text, "x.service"),
    ...dropIns.flatMap((d, i) => parseUnitFile(d, `x.service.d/${i}.conf`)),
  ]);

describe("parseUnitFile", () => {
  it.each([
    [
      "sections and keys",
      "[Unit]\nDescription=a b\n[Service]\nExecStart=/bin/x",
      [
        ["Unit", "Description", "a b", "f:2"],
        ["Service", "ExecStart", "/bin/x", "f:4"],
      ],
    ],
    [
      "comments and blank lines",
      "# c\n; c\n\n[Unit]\n  After = a.service  \n",
      [["Unit", "After", "a.service", "f:5"]],
    ],
    [
      "backslash continuation",
      "[Service]\nExecStart=/bin/sh -c \\\n  'echo hi'\n",
      [["Service", "ExecStart", "/bin/sh -c  'echo hi'", "f:2"]],
    ],
    ["CRLF line ends", "[Unit]\r\nDescription=x\r\n", [["Unit", "Description", "x", "f:2"]]],
    [
      "value with =",
      '[Service]\nEnvironment="A=b=c"',
      [["Service", "Environment", '"A=b=c"', "f:2"]],
    ],
  ])("%s", (_name, text, expected) => {
    const got = parseUnitFile(text, "f").map((a) => [a.section, a.key, a.value, a.where]);
    expect(got).toEqual(expected);
  });

  it.each([
    ["no equals sign", "[Unit]\nDescription", /f:2: expected Key=Value/],
    ["assignment before any section", "A=b", /f:1: assignment outside of a section/],
  ])("rejects %s with file and line", (_name, text, message) => {
    expect(() => parseUnitFile(text, "f")).toThrow(UnitFileError);
    expect(() => parseUnitFile(text, "f")).toThrow(message);
  });
});

describe("toSpec with drop-ins", () => {
  it("appends list settings, resets them on an empty assignment, last scalar wins", () => {
    const s = spec(
      "[Unit]\nAfter=a.service b.service\n[Service]\nExecStart=/bin/a\nEnvironment=A=1\nRestart=no",
      "[Service]\nExecStart=\nExecStart=/bin/b\nEnvironment=B=2\nRestart=always\nRestartSec=2s",
      "[Unit]\nAfter=c.service",
    );
    expect(s.after).toEqual(["a.service", "b.service", "c.service"]);
    expect(s.execStart).toEqual(["/bin/b"]);
    expect(s.environment).toEqual(["A=1", "B=2"]);
    expect(s.restart).toBe("always");
    expect(s.restartSec).toBe(2000);
  });

  it("defaults: simple with ExecStart, oneshot without, RestartSec 100ms", () => {
    expect(spec("[Service]\nExecStart=/bin/x")).toMatchObject({
      type: "simple",
      restartSec: 100,
      restart: "no",
    });
    expect(spec("[Service]\nExecStartPre=/bin/x")).toMatchObject({ type: "oneshot" });
  });

  it("reads Type=oneshot, RemainAfterExit, dependencies and [Install]", () => {
    const s = spec(
      "[Unit]\nRequires=r.service\nWants=w.service\nBefore=z.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target",
    );
    expect(s).toMatchObject({
      type: "oneshot",
      remainAfterExit: true,
      requires: ["r.service"],
      wants: ["w.service"],
      before: ["z.service"],
      wantedBy: ["multi-user.target"],
    });
  });

  it("finds the service a socket activates", () => {
    const s = toSpec(
      "docker-tcp.socket",
      parseUnitFile("[Socket]\nListenStream=2375\nService=docker.service", "f"),
    );
    expect(s.socketService).toBe("docker.service");
    const implicit = toSpec("a.socket", parseUnitFile("[Socket]\nListenStream=1", "f"));
    expect(implicit.socketService).toBe("a.service");
  });

  it.each([
    ["Type=bogus", /unknown Type=bogus/],
    ["Restart=sometimes", /unknown Restart=sometimes/],
    ["RestartSec=soon", /bad time span "soon"/],
  ])("rejects %s", (line, message) => {
    expect(() => spec(`[Service]\nExecStart=/bin/x\n${line}`)).toThrow(message);
  });
});

describe("parseExec", () => {
  const env = { A: "one", WORDS: "x  y z", EMPTY: "" };
  it.each([
    ["/bin/echo a b", ["/bin/echo", "a", "b"], false],
    ['/bin/sh -c "echo $$HOME; exit 1"', ["/bin/sh", "-c", "echo $HOME; exit 1"], false],
    ["/bin/sh -c 'a \"b\"'", ["/bin/sh", "-c", 'a "b"'], false],
    ["-/bin/false", ["/bin/false"], true],
    ["@/bin/x", ["/bin/x"], false],
    ["/bin/echo $WORDS", ["/bin/echo", "x", "y", "z"], false],
    ["/bin/echo ${WORDS}", ["/bin/echo", "x  y z"], false],
    ["/bin/echo pre-${A}-post", ["/bin/echo", "pre-one-post"], false],
    ["/bin/echo $EMPTY end", ["/bin/echo", "end"], false],
    ["/bin/echo ${UNSET}x", ["/bin/echo", "x"], false],
    ['/bin/echo "a\\tb"', ["/bin/echo", "a\tb"], false],
    [
      '/usr/bin/etcdctl set /coreos.com/network/config \'{ "Network": "10.1.0.0/16" }\'',
      ["/usr/bin/etcdctl", "set", "/coreos.com/network/config", '{ "Network": "10.1.0.0/16" }'],
      false,
    ],
  ])("%s", (line, argv, ignore) => {
    expect(parseExec(line, env)).toEqual({ argv, ignoreFailure: ignore });
  });

  it("rejects an unbalanced quote and an empty line", () => {
    expect(() => parseExec("/bin/echo 'a", {})).toThrow(/unbalanced quote/);
    expect(() => parseExec("-", {})).toThrow(/empty command line/);
  });
});

describe("environment", () => {
  it.each([
    [
      '"ETCD_NAME=a b" X=1',
      [
        ["ETCD_NAME", "a b"],
        ["X", "1"],
      ],
    ],
    [
      '"ETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379,http://0.0.0.0:4001"',
      [["ETCD_LISTEN_CLIENT_URLS", "http://0.0.0.0:2379,http://0.0.0.0:4001"]],
    ],
    ["A=", [["A", ""]]],
    ["notanassignment", []],
  ])("Environment=%s", (value, expected) => {
    expect(parseEnvironment(value)).toEqual(expected);
  });

  it("reads an EnvironmentFile with comments, quotes and export", () => {
    const text = "# c\nCOREOS_PUBLIC_IPV4=1.2.3.4\nA=\"b c\"\nexport B='d'\n\nbad line\n";
    expect(parseEnvironmentFile(text)).toEqual([
      ["COREOS_PUBLIC_IPV4", "1.2.3.4"],
      ["A", "b c"],
      ["B", "d"],
    ]);
  });

  it("expands specifiers", () => {
    const s = { machineId: "abc", hostname: "core-01", unit: "foo@bar.service" };
    expect(expandSpecifiers("%m %H %n %N %p %i %% %z", s)).toBe(
      "abc core-01 foo@bar.service foo@bar foo bar % %z",
    );
  });

  it.each([
    ["10s", 10_000],
    ["500ms", 500],
    ["1min 30s", 90_000],
    ["5", 5000],
    ["infinity", Number.POSITIVE_INFINITY],
  ])("time span %s", (text, ms) => {
    expect(parseTimespan(text)).toBe(ms);
  });
});
