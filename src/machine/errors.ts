/** A machine agent refused or failed a request; over the control socket, the message is the agent's. */
export class MachineError extends Error {
  override name = "MachineError";
}
