import { ofrepRoutes } from "../evaluation/ofrep-routes.js";
import type { Feature } from "../features.js";

/** OpenFeature Remote Evaluation Protocol endpoints. */
export const ofrepFeature: Feature = { name: "ofrep", routes: ofrepRoutes };
