// The store's types, where the features have always imported them from.
export { type Db, type Dialect, first, one, type Store, single } from "./store.js";
