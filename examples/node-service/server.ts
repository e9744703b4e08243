/**
 * A small Node HTTP service whose checkout is behind the flag `new-checkout`.
 *
 * Run it next to a Rollguard server (no package.json needed):
 *
 *   # a server token for production, made once with the admin token
 *   curl -s -X POST localhost:4242/api/tokens -H "authorization: Bearer $ROLLGUARD_ADMIN_TOKEN" \
 *     -H 'content-type: application/json' -d '{"scope":"server","environment":"production"}'
 *   ROLLGUARD_URL=http://localhost:4242 ROLLGUARD_TOKEN=<that token> npx tsx examples/node-service/server.ts
 *   curl 'localhost:3000/checkout?user=42'
 *   # roll it out to half the users; the service sees it within milliseconds, without a restart
 *   curl -X PATCH localhost:4242/api/flags/new-checkout/environments/production \
 *     -H "authorization: Bearer $ROLLGUARD_ADMIN_TOKEN" -H 'content-type: application/json' -d '{"percentage":50}'
 *
 * The part that matters, as you would write it in your service:
 *
 *   import { createClient } from "rollguard/node";
 *
 *   const flags = createClient({ url, token, backupPath: "./.rollguard-flags.json" });
 *   await flags.ready({ timeoutMs: 2000 }); // never rejects; resolves to the status
 *   if (flags.isEnabled("new-checkout", { userId })) newCheckout(); else oldCheckout();
 */
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../../sdk/node/index.js";

const token = process.env.ROLLGUARD_TOKEN;
if (!token) {
  console.error(
    "Set ROLLGUARD_TOKEN to a server token for the environment to serve, e.g.\n" +
      '  ROLLGUARD_TOKEN=$(curl -s -X POST localhost:4242/api/tokens -H "authorization: Bearer $ROLLGUARD_ADMIN_TOKEN" \\\n' +
      '    -H \'content-type: application/json\' -d \'{"scope":"server","environment":"production"}\' \\\n' +
      '    | sed -E \'s/.*"token":"([^"]+)".*/\\1/\') npx tsx examples/node-service/server.ts',
  );
  process.exit(2);
}

const flags = createClient({
  url: process.env.ROLLGUARD_URL ?? "http://localhost:4242",
  token,
  // Keeps serving the last known flags across restarts even when Rollguard is unreachable. A
  // real service keeps it beside its own data; the example keeps it out of the repository.
  backupPath: process.env.ROLLGUARD_BACKUP ?? join(tmpdir(), "rollguard-example-flags.json"),
});
flags.on("change", ({ keys }) => console.log(`flags changed: ${keys.join(", ")}`));
flags.on("stale", ({ error }) => console.warn(`serving cached flags: ${error.message}`));
flags.on("error", ({ error }) => console.warn(`rollguard: ${error.message}`));

const status = await flags.ready({ timeoutMs: 2000 });
console.log(`flags ${status} (from ${flags.source})`);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname !== "/checkout") {
    res.writeHead(404).end();
    return;
  }
  const userId = url.searchParams.get("user") ?? "anonymous";
  const checkout = flags.isEnabled("new-checkout", { userId }) ? "new checkout" : "classic checkout";
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ userId, checkout }));
});

const port = Number(process.env.PORT ?? 3000);
server.listen(port, () => console.log(`node-service on http://localhost:${port}/checkout?user=42`));

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    server.close();
    void flags.close().then(() => process.exit(0));
  });
