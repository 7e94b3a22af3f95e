/** Time is shared with the machine's init: its one definition lives in host/. */
export { type Clock, ManualClock, systemClock } from "../host/index.js";
