import type { Feature } from "../kernel/feature.js";
import { importRoutes } from "./import-routes.js";

/** Imports from other flag services (Unleash today), through the flags feature's commands. */
export const importsFeature: Feature = {
  name: "imports",
  routes: importRoutes,
};
