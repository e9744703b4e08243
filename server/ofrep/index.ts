export { ofrepFeature } from "./ofrep-feature.js";
export { ofrepRoutes } from "../evaluation/ofrep-routes.js";
