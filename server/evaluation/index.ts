export { clientApiFeature, clientStreamHubOf } from "./feature.js";
export { clientApiRoutes } from "./client-routes.js";
