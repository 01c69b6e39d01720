/**
 * Preloaded by `npm run plan` and `npm run policy` (`node -r`, after stacks/loader/ts.js): starts the process's
 * shared server before the command's own modules load (see ./launch); the command's first start takes it.
 */
import { sharedLaunch } from "./launch";

sharedLaunch();
