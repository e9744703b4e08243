import type { Feature } from "../features.js";
import { ofrepRoutes } from "../evaluation/ofrep-routes.js";

/** OpenFeature Remote Evaluation Protocol endpoints. */
export const ofrepFeature: Feature = { name: "ofrep", routes: ofrepRoutes };
