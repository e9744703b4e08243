// The imports feature's module.
export { importsFeature } from "./feature.js";
