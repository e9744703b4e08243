// The web dashboard's routes, for the server's feature list to mount at `/`.
export { dashboardRoutes, defaultDashboardDir } from "./dashboard-routes.js";
