import type { Feature } from "../kernel/feature.js";
import { healthRoutes } from "./health-routes.js";

/** `/healthz` (the process answers) and `/readyz` (the store answers). */
export const healthFeature: Feature = { name: "health", routes: healthRoutes };
