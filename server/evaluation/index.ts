export { clientApiRoutes } from "./client-routes.js";
export { clientApiFeature, clientStreamHubOf } from "./feature.js";
