import { createClient, type RollguardClient } from "../../sdk/node/index.js";

export const FLAG = "new-checkout";
export const USERS = 5000;

/** What the instances served since the last `take()`, per path. */
export interface Traffic {
  requests: number;
  newPath: number;
  newFailed: number;
  oldFailed: number;
}

/**
 * A small checkout service running in this process as several instances, each with its own Node
 * SDK client, the way a service runs behind a load balancer. Every request is wrapped, so its
 * outcome (ok or thrown, and how long it took) is reported under the arm the flag put the user in;
 * the old path fails 0.5% of the time, the new one `newPathFailureRate` of the time.
 */
export function startService(opts: {
  url: string;
  token: string;
  instances: number;
  requestsPerSecond: number;
  metricsIntervalMs: number;
}) {
  const clients: RollguardClient[] = [];
  for (let i = 0; i < opts.instances; i++)
    clients.push(
      createClient({ url: opts.url, token: opts.token, metricsIntervalMs: opts.metricsIntervalMs }),
    );
  const state = { newPathFailureRate: 0.005 };
  // When each instance last heard the flag change over its stream (epoch ms).
  const heardAt = clients.map(() => 0);
  clients.forEach((flags, i) => {
    flags.on("change", ({ keys }) => {
      if (keys.includes(FLAG)) heardAt[i] = Date.now();
    });
  });
  let traffic: Traffic = { requests: 0, newPath: 0, newFailed: 0, oldFailed: 0 };

  function checkout(flags: RollguardClient, userId: string): void {
    const context = { userId };
    flags.wrap(FLAG, context, () => {
      const isNew = flags.isEnabled(FLAG, context);
      traffic.requests++;
      if (isNew) traffic.newPath++;
      if (Math.random() < (isNew ? state.newPathFailureRate : 0.005)) {
        if (isNew) traffic.newFailed++;
        else traffic.oldFailed++;
        throw new Error(isNew ? "new checkout: payment provider timeout" : "checkout failed");
      }
    });
  }

  const perTick = Math.max(1, Math.round(opts.requestsPerSecond / 100 / opts.instances));
  const timer = setInterval(() => {
    for (const flags of clients)
      for (let i = 0; i < perTick; i++) {
        try {
          checkout(flags, `user-${Math.floor(Math.random() * USERS)}`);
        } catch {
          // The service answers 500 and carries on; the SDK has recorded the failure.
        }
      }
  }, 10);

  return {
    clients,
    state,
    heardAt,
    ready: () => Promise.all(clients.map((c) => c.ready({ timeoutMs: 5000 }))),
    /** The traffic since the previous call. */
    take(): Traffic {
      const t = traffic;
      traffic = { requests: 0, newPath: 0, newFailed: 0, oldFailed: 0 };
      return t;
    },
    /** Whether every instance serves `enabled` (the new path or the old) to every user. */
    everyoneServed(enabled: boolean): boolean {
      return clients.every((flags) => {
        for (let u = 0; u < USERS; u++)
          if (flags.isEnabled(FLAG, { userId: `user-${u}` }) !== enabled) return false;
        return true;
      });
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

export type Service = ReturnType<typeof startService>;
