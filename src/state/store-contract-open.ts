import type { Store } from "./store.js";

/** Runs a contract case on a new store from `open`, and closes it whatever the case did. */
export const withNewStore =
  (open: () => Promise<Store>) =>
  async (fn: (store: Store) => Promise<void>): Promise<void> => {
    const store = await open();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };
