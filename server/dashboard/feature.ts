import type { Feature } from "../kernel/feature.js";
import { router } from "../kernel/http/router.js";
import { dashboardRoutes } from "./dashboard-routes.js";

export interface DashboardOptions {
  /** Where the built dashboard is; default `dist/dashboard/` of the package (built at install). */
  distDir?: string;
}

/**
 * The web dashboard at `/`: static files built at install, served by this process (no second
 * server, no CDN). The page signs in with an admin token and calls the same REST API as anyone.
 */
export const dashboardFeature: Feature<{ dashboard?: DashboardOptions }> = {
  name: "dashboard",
  routes: (_deps, options) => router().route("/", dashboardRoutes(options?.dashboard?.distDir)),
};
