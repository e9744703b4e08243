import type { Feature } from "../kernel/feature.js";
import { router } from "../kernel/http/router.js";
import { auditRoutes } from "./audit-routes.js";
import { environmentRoutes } from "./environment-routes.js";
import { flagRoutes } from "./flag-routes.js";
import { tokenRoutes } from "./token-routes.js";

/** Tokens' last-use times reach the database at most this often (the list shows newer ones). */
const LAST_USED_FLUSH_MS = 60_000;

/**
 * The admin REST core: flags and their state per environment, environments, tokens, the audit
 * log; and the minute loop that writes tokens' last use.
 */
export const flagsFeature: Feature = {
  name: "flags",
  routes: (deps) =>
    router()
      .route("/", flagRoutes(deps))
      .route("/", environmentRoutes(deps))
      .route("/", tokenRoutes(deps))
      .route("/", auditRoutes(deps)),
  start: (deps) => {
    const flush = () => {
      try {
        deps.tokens.flushLastUsed();
      } catch (error) {
        deps.log("writing tokens' last use failed", error);
      }
    };
    const timer = setInterval(flush, LAST_USED_FLUSH_MS);
    timer.unref();
    return () => {
      clearInterval(timer);
      flush();
    };
  },
};
