import type { UnitControl } from "../control/types.js";
import type { EtcdRole } from "../datasource.js";

/** What a machine knows about itself, for the built-in units and the init. */
export interface MachineContext {
  machineDir: string;
  root: string;
  hostname: string;
  machineId: string;
  privateIpv4?: string;
  publicIpv4?: string;
  sharedNetwork: boolean;
  etcd: EtcdRole;
  /** This machine's etcd client URLs (its member or proxy), as its etcdctl uses them. */
  etcdEndpoints?: () => string[];
  /** This boot's id (a new one each boot), as update_engine sends it. */
  bootId?: string;
  /** How to run shoal itself (`shoal locksmithd`), and which commands it has. */
  shoal: { argv: string[]; commands: string[] };
  /**
   * The machine's units as its control socket serves them, without the
   * socket: for services of the agent (fleet.service runs units through it).
   */
  units?: UnitControl;
  /** Reboots the machine (locksmithd's logind Reboot): units stop in order, then the boot runs again. */
  reboot?: (why: string) => Promise<void>;
  /**
   * Settles once this boot completed (units cloud-config started are up,
   * the etcd member is healthy) and its slot was marked good.
   */
  bootCompleted?: Promise<void>;
  /** update-engine's current operation (UPDATE_STATUS_*) and the version it got or is getting, while update-engine.service runs. */
  updateState?: () => { status: string; newVersion?: string };
}

/** A unit this machine ships, as data: its unit file, and a last word on how its process runs. */
export interface BuiltinUnit {
  name: string;
  content: string;
  /** Turns the environment the unit file and its drop-ins produced into the real process's. */
  prepare?(
    exec: { argv: string[]; env: Record<string, string> },
    ctx: MachineContext,
  ): PreparedExec;
  /** Started at the end of every boot, as the image's own `.wants/` link would have it. */
  enabled?: boolean;
  /**
   * Runs the unit as a task of the agent instead of its ExecStart= process
   * (the line stays, for systemctl to show). A unit file in the machine's
   * root replaces the built-in, and with it this.
   */
  run?: InProcessService;
}

/** What an in-process service gets from the init. */
export interface ServiceIO {
  /** The variables its process would start with: Environment=, EnvironmentFile=, prepare's. */
  env: Record<string, string>;
  /** Aborted when the unit stops: the service returns (or throws) soon after. */
  signal: AbortSignal;
  /**
   * Aborted when the init gives up on the service, as SIGKILL ends a process
   * (TimeoutStopSec= passed, `systemctl kill -s KILL`): drop at once what a
   * killed process would lose (connections, listeners, timers), nothing more.
   */
  killed: AbortSignal;
  /**
   * Handles a signal `systemctl kill -s SIGNAL` sends the unit. A signal the
   * service does not handle does what it does to a process: SIGTERM and
   * SIGINT stop it, those a process ignores by default are ignored, any
   * other ends it as killed by that signal.
   */
  onSignal(signal: NodeJS.Signals, handler: () => void): void;
  /** One line in the unit's journal. */
  log(line: string): void;
  ctx: MachineContext;
}

/** Resolves when the service is done; a rejection fails the unit (Restart= applies). */
export type InProcessService = (io: ServiceIO) => Promise<void>;

/** The process a built-in unit really runs. */
export interface PreparedExec {
  argv: string[];
  env: Record<string, string>;
  notes: string[];
  /**
   * For Type=notify: the output line the program prints where it sends
   * sd_notify READY=1. shoal's init has no notify socket (Node has no
   * AF_UNIX datagrams), so it watches for this line instead.
   */
  readyLine?: RegExp;
  /** For etcd (member or proxy): the client URLs it serves, where etcdctl and fleet talk. */
  clientUrls?: string[];
}
