// The store's types, where the features have always imported them from.

export { containsText } from "./contains-text.js";
export { type Db, type Dialect, first, one, type Store, single } from "./store.js";
