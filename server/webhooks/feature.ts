import type { Feature } from "../kernel/feature.js";
import { type WebhookOptions, webhookDispatcherOf } from "./dispatcher.js";
import { webhookRoutes } from "./webhook-routes.js";

/**
 * Webhooks per environment: their REST routes, and the dispatcher that delivers events after
 * their commit. Plan and schedule transitions are audit events, so the dispatcher hears of each
 * from the bus; the guard sends its own events (with their evidence) through `sendWebhooks`.
 * Each event is delivered once cluster-wide, by the instance that committed it (the leader, for
 * the loops' events): the dispatcher follows `onAuditCommittedHere`, never the events other
 * instances committed. A deleted webhook's deliveries are forgotten on every instance.
 */
export const webhooksFeature: Feature<{ webhooks?: WebhookOptions }> = {
  name: "webhooks",
  routes: webhookRoutes,
  start: (deps, options) => {
    const webhooks = webhookDispatcherOf(deps);
    if (options.webhooks) webhooks.configure(options.webhooks);
    const offForget = deps.bus.onAuditAnywhere((event) => {
      if (event.action === "webhook.deleted")
        webhooks.deliveries.forget(String((event.before as { id?: unknown } | null)?.id));
    });
    const offSend = deps.bus.onAuditCommittedHere((event) => {
      if (!event.environment || !/^(plan|schedule)\./.test(event.action)) return;
      void webhooks.send(event.environment, {
        type: event.action,
        flagKey: event.flagKey,
        actor: event.actor,
        detail: event.detail,
      });
    });
    return async () => {
      offForget();
      offSend();
      await webhooks.stop();
    };
  },
};
