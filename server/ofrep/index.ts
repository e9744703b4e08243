export { ofrepRoutes } from "../evaluation/ofrep-routes.js";
export { ofrepFeature } from "./ofrep-feature.js";
