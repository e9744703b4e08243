export { ofrepFeature } from "./ofrep-feature.js";
export { ofrepRoutes } from "./routes.js";
