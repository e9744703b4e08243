import { createServer } from "./create-server.js";

// The only place that reads the environment.
const port = Number(process.env.PORT ?? 4242);
const database = process.env.ROLLGUARD_DB ?? "./data/rollguard.db";
const adminToken = process.env.ROLLGUARD_ADMIN_TOKEN;

const server = await createServer({ port, database, adminToken });
console.log(`rollguard listening on http://localhost:${server.port} (database ${database})`);
if (!adminToken) {
  console.log("ROLLGUARD_ADMIN_TOKEN is not set: no admin token exists, so the REST API answers 401.");
}

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
