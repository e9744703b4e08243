// Serves this example page and the built browser SDK on http://localhost:8080.
//
//   npm run build                                   # builds dist/browser/rollguard.js
//   ROLLGUARD_ADMIN_TOKEN=dev-admin ROLLGUARD_CORS_ORIGINS=http://localhost:8080 npm start &
//   export RG=http://localhost:4242 ADMIN="Authorization: Bearer dev-admin"
//   curl -s -X POST $RG/api/flags -H "$ADMIN" -H 'content-type: application/json' \
//     -d '{"key":"new-banner","type":"boolean","clientVisible":true}'
//   curl -s -X POST $RG/api/tokens -H "$ADMIN" -H 'content-type: application/json' \
//     -d '{"scope":"client","environment":"production"}'      # note the "token"
//   node examples/browser/serve.mjs
//   open "http://localhost:8080/?token=<the client token>"
//
// Then roll the flag out and watch the banner appear without a reload:
//   curl -s -X PATCH $RG/api/flags/new-banner/environments/production -H "$ADMIN" \
//     -H 'content-type: application/json' -d '{"percentage":100}'
// Stop the server and reload the page: it starts from the last values, marked stale.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";

const files = {
  "/": [new URL("./index.html", import.meta.url), "text/html; charset=utf-8"],
  "/rollguard.js": [new URL("../../dist/browser/rollguard.js", import.meta.url), "text/javascript"],
};
const port = Number(process.env.PORT ?? 8080);

createServer(async (req, res) => {
  const file = files[new URL(req.url ?? "/", "http://localhost").pathname];
  if (!file) return res.writeHead(404).end("not found");
  try {
    res.writeHead(200, { "content-type": file[1] }).end(await readFile(file[0]));
  } catch {
    res.writeHead(500).end("dist/browser/rollguard.js is missing: run `npm run build` first");
  }
}).listen(port, () => console.log(`example page on http://localhost:${port}/?token=<client token>`));
