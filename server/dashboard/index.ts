// The dashboard feature's module.
export { dashboardRoutes, defaultDashboardDir } from "./dashboard-routes.js";
export { type DashboardOptions, dashboardFeature } from "./feature.js";
