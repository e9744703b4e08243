export { clientApiFeature, clientStreamHubOf } from "./client-api-feature.js";
export { clientApiRoutes } from "./routes.js";
