// The health feature's module.
export { healthFeature } from "./feature.js";
