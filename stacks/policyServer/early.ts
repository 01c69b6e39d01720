/**
 * Preloaded by `npm run plan` and `npm run policy` (`node -r`, after stacks/loader/ts.js): starts the pack's server
 * before the command's own modules load (see ./launch).
 */
import { launchEarly } from "./launch";

launchEarly();
