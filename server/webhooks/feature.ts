import type { Feature } from "../kernel/feature.js";
import { type WebhookOptions, webhookDispatcherOf } from "./dispatcher.js";
import { webhookRoutes } from "./webhook-routes.js";

/**
 * Webhooks per environment: their REST routes, and the dispatcher that delivers events after
 * their commit. Plan and schedule transitions are audit events, so the dispatcher hears of each
 * from the bus; the guard sends its own events (with their evidence) through `sendWebhooks`.
 */
export const webhooksFeature: Feature<{ webhooks?: WebhookOptions }> = {
  name: "webhooks",
  routes: webhookRoutes,
  start: (deps, options) => {
    const webhooks = webhookDispatcherOf(deps);
    if (options.webhooks) webhooks.configure(options.webhooks);
    const unsubscribe = deps.bus.onAudit((event) => {
      if (event.action === "webhook.deleted")
        webhooks.deliveries.forget(String((event.before as { id?: unknown } | null)?.id));
      if (!event.environment || !/^(plan|schedule)\./.test(event.action)) return;
      void webhooks.send(event.environment, {
        type: event.action,
        flagKey: event.flagKey,
        actor: event.actor,
        detail: event.detail,
      });
    });
    return async () => {
      unsubscribe();
      await webhooks.stop();
    };
  },
};
