import { bool, string, structs } from "./types.js";

/** `coreos.units[]`: name, content, command, enable, runtime, mask and drop-ins. */
export const unit = {
  name: string(),
  mask: bool(),
  enable: bool(),
  runtime: bool(),
  content: string(),
  command: string({
    valid: /^(start|stop|restart|reload|try-restart|reload-or-restart|reload-or-try-restart)$/,
  }),
  drop_ins: structs({ name: string(), content: string() }),
};
