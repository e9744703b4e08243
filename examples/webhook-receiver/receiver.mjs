// A webhook receiver that checks Rollguard's signature before it trusts a POST.
// ROLLGUARD_WEBHOOK_SECRET=rg_whsec_… node examples/webhook-receiver/receiver.mjs
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const TOLERANCE_S = 300; // refuse signatures older (or newer) than 5 minutes: replays

/** True when `header` (Rollguard-Signature) signs `body` (the raw text) with one of `secrets`. */
export function verifyRollguardSignature(header, body, secrets, nowS = Date.now() / 1000) {
  const parts = String(header ?? "")
    .split(",")
    .map((p) => p.split("="));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > TOLERANCE_S) return false;
  const given = parts.filter(([k]) => k === "v1").map(([, v]) => Buffer.from(v ?? "", "hex"));
  return secrets.some((secret) => {
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const secrets = [process.env.ROLLGUARD_WEBHOOK_SECRET]; // during a rotation: [new, old]
  const seen = new Set(); // delivery ids: retries and replays inside the window are dropped
  createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      if (!verifyRollguardSignature(req.headers["rollguard-signature"], body, secrets))
        return res.writeHead(401).end();
      const event = JSON.parse(body);
      if (!seen.has(event.id)) console.log(event.type, event.flagKey ?? "", event.id);
      seen.add(event.id);
      res.writeHead(204).end();
    });
  }).listen(Number(process.env.PORT ?? 8787));
}
