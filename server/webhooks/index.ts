// The webhooks feature's module: what other features and the server may use of it.
export { sendWebhooks, type WebhookOptions, webhookDispatcherOf } from "./dispatcher.js";
export { webhooksFeature } from "./feature.js";
