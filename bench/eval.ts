/**
 * Evaluation cost, ns per call (median of runs), in one process so the ratios are comparable:
 *   (a) sdk/core FlagStore.evaluate, boolean flag, 10% rollout
 *   (b) sdk/core FlagStore.evaluate, three rules and three weighted variants
 *   (c) unleash-client isEnabled, the same 10% gradual rollout, bare and with one constraint
 *   (d) UTF-8 + murmur3: the `murmurhash` package (TextEncoder per call) vs our murmur3
 *   (e) the Node SDK: isEnabled and getValue over (a) and (b)'s flags; observe and wrap (the arm by
 *       a local evaluation, then counters in memory), which sit on the request path too
 *   (f) sdk/core with segments and prerequisites in play: a flag behind a prerequisite whose rules
 *       reference a 10,000-id segment and a condition segment; a chain of three prerequisites;
 *       a regular expression rule (the linear-time matcher) on an email
 * Every benchmark evaluates over 100,000 distinct users whose contexts are built beforehand.
 *
 *   npm run bench:eval                     (BENCH_RUNS / BENCH_ITERATIONS override 7 × 1,000,000)
 */

import murmurhash from "murmurhash";
import { type Context, InMemStorageProvider, Unleash } from "unleash-client";
import { type FlagConfig, FlagStore, murmur3 } from "../sdk/core/index.js";
import { createClient } from "../sdk/node/index.js";
import { booleanConfig } from "../test/core/flag-fixtures.js";
import { type Measurement, measure } from "./lib/measure.js";

const USERS = 100_000;
const COUNTRIES = [
  "SE",
  "NO",
  "DK",
  "FI",
  "DE",
  "FR",
  "ES",
  "IT",
  "NL",
  "BE",
  "PL",
  "US",
  "CA",
  "MX",
  "BR",
  "JP",
  "KR",
  "IN",
  "AU",
  "NZ",
];
const PLANS = ["free", "free", "pro", "enterprise"];
const VERSIONS = ["2.1.0", "2.3.0", "2.3.1", "2.4.0-beta.1", "3.0.0"];

const userIds = Array.from({ length: USERS }, (_, i) => `user-${i}`);

// ---------------------------------------------------------------------------------------------
// sdk/core
// ---------------------------------------------------------------------------------------------

const booleanFlag: FlagConfig = booleanConfig({ percentage: 10 });

const targetedFlag: FlagConfig = {
  key: "pricing-page",
  type: "string",
  variants: [
    { key: "control", value: "current" },
    { key: "annual", value: "annual-first" },
    { key: "monthly", value: "monthly-first" },
    { key: "slider", value: "slider" },
  ],
  offVariant: "control",
  enabled: true,
  percentage: 25,
  stickiness: "userId",
  salt: "pricing-page",
  rules: [
    {
      id: "nordics",
      conditions: [{ attribute: "country", operator: "in", values: ["SE", "NO", "DK", "FI"] }],
      variant: "annual",
    },
    {
      id: "enterprise",
      conditions: [{ attribute: "plan", operator: "equals", values: ["enterprise"] }],
      percentage: 50,
    },
    {
      id: "new-app",
      conditions: [{ attribute: "appVersion", operator: "semver_gt", values: ["2.3.0"] }],
      variant: "slider",
    },
  ],
  weights: [
    { variant: "annual", weight: 33.333 },
    { variant: "monthly", weight: 33.333 },
    { variant: "slider", weight: 33.334 },
  ],
  version: 1,
};

// (f): segments and prerequisites. `platform` is on for everyone, so every evaluation of
// `segmented` passes its prerequisite and reaches its segment rules (the whole path, not an exit).
const platformFlag: FlagConfig = booleanConfig({ key: "platform", salt: "platform", percentage: 100 });
const segmentedFlag: FlagConfig = booleanConfig({
  key: "segmented",
  salt: "segmented",
  percentage: 10,
  prerequisites: [{ flag: "platform", variants: ["true"] }],
  rules: [
    { id: "vips", conditions: [], segments: ["vips"], variant: "true" },
    {
      id: "eu-pro",
      conditions: [{ attribute: "plan", operator: "equals", values: ["pro"] }],
      segments: ["eu"],
      percentage: 50,
    },
  ],
});
const chainFlags: FlagConfig[] = [1, 2, 3].map((n) =>
  booleanConfig({
    key: `chain-${n}`,
    salt: `chain-${n}`,
    percentage: 10,
    prerequisites: [{ flag: n === 1 ? "platform" : `chain-${n - 1}`, variants: ["true"] }],
  }),
);
// chain-1 and chain-2 serve true to everyone, so chain-3 always evaluates all three below it.
chainFlags[0]!.percentage = 100;
chainFlags[1]!.percentage = 100;
const regexFlag: FlagConfig = booleanConfig({
  key: "staff-regex",
  salt: "staff-regex",
  percentage: 10,
  rules: [
    {
      id: "staff",
      conditions: [{ attribute: "email", operator: "matches", values: ["@(corp|staff)\\.example\\.com$"] }],
      variant: "true",
    },
  ],
});
const segments = [
  // 10,000 listed ids, 1 in 10 of the users.
  {
    key: "vips",
    idAttribute: "userId",
    ids: Array.from({ length: 10_000 }, (_, i) => `user-${i * 10}`),
    conditions: [],
    version: 1,
  },
  {
    key: "eu",
    idAttribute: "userId",
    ids: [],
    conditions: [
      {
        attribute: "country" as const,
        operator: "in" as const,
        values: ["DE", "FR", "ES", "IT", "NL", "BE", "PL"],
      },
    ],
    version: 1,
  },
];

const store = new FlagStore({
  environment: "bench",
  revision: 1,
  flags: [booleanFlag, targetedFlag, platformFlag, segmentedFlag, ...chainFlags, regexFlag],
  segments,
});
for (const key of store.keys())
  if (store.get(key)!.errors.length) throw new Error(`${key}: ${store.get(key)!.errors}`);

const plainContexts = userIds.map((userId) => ({ userId }));
const richContexts = userIds.map((userId, i) => ({
  userId,
  country: COUNTRIES[i % COUNTRIES.length]!,
  plan: PLANS[(i >> 3) % PLANS.length]!,
  appVersion: VERSIONS[(i >> 5) % VERSIONS.length]!,
}));

const emailContexts = userIds.map((userId, i) => ({
  userId,
  email: `${userId}@${i % 7 === 0 ? "corp" : "mail"}.example.com`,
}));

/** Counts `true` answers of a boolean flag over the given contexts. */
function coreFlag(key: string, contexts: ReadonlyArray<Record<string, unknown>>) {
  return (iterations: number): number => {
    let on = 0;
    for (let i = 0, u = 0; i < iterations; i++, u = u === USERS - 1 ? 0 : u + 1)
      if (store.evaluate(key, contexts[u]!, false).value) on++;
    return on;
  };
}

function coreBoolean(iterations: number): number {
  let on = 0;
  for (let i = 0, u = 0; i < iterations; i++, u = u === USERS - 1 ? 0 : u + 1)
    if (store.evaluate("new-checkout", plainContexts[u]!, false).value) on++;
  return on;
}

function coreTargeted(iterations: number): number {
  let sum = 0;
  for (let i = 0, u = 0; i < iterations; i++, u = u === USERS - 1 ? 0 : u + 1)
    sum += store.evaluate("pricing-page", richContexts[u]!, "current").value.length;
  return sum;
}

// ---------------------------------------------------------------------------------------------
// unleash-client, bootstrapped offline: refreshInterval 0 makes its fetcher return before any
// request, metrics are off, and the backup store is in memory, so it serves the bootstrap only.
// ---------------------------------------------------------------------------------------------

function gradualRollout(name: string, constraints: unknown[]) {
  return {
    name,
    enabled: true,
    type: "release",
    project: "default",
    stale: false,
    impressionData: false,
    variants: [],
    strategies: [
      {
        name: "flexibleRollout",
        // groupId = flag key and percentage 10: the same users as the core flag (BUCKETING.md).
        parameters: { rollout: "10", stickiness: "userId", groupId: "new-checkout" },
        constraints,
      },
    ],
  };
}

async function startUnleash(): Promise<{ unleash: Unleash; errors: unknown[] }> {
  const unleash = new Unleash({
    url: "http://127.0.0.1:9/api",
    appName: "rollguard-bench",
    disableMetrics: true,
    refreshInterval: 0,
    storageProvider: new InMemStorageProvider(),
    bootstrap: {
      data: [
        gradualRollout("new-checkout", []),
        gradualRollout("new-checkout-constrained", [
          {
            contextName: "country",
            operator: "IN",
            values: COUNTRIES,
            caseInsensitive: false,
            inverted: false,
          },
        ]),
      ] as never,
    },
  });
  const errors: unknown[] = [];
  unleash.on("error", (error) => errors.push(error));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("unleash-client did not become ready from its bootstrap")),
      10_000,
    );
    unleash.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { unleash, errors };
}

// ---------------------------------------------------------------------------------------------
// Node SDK: the public `isEnabled` / `getValue` over the same flags and contexts as (a) and (b),
// so the ratio shows the SDK's own overhead on top of the core. Offline: the client serves its
// bootstrap set, and its one download attempt goes to a fetch that never answers.
// ---------------------------------------------------------------------------------------------
async function nodeSdkBenchmarks(a: Measurement, b: Measurement): Promise<Measurement[]> {
  // The machine is noisy: the core is timed again right next to the SDK for the overhead ratio.
  const client = createClient({
    url: "http://127.0.0.1:9",
    token: "bench",
    streaming: false,
    bootstrap: [booleanFlag, targetedFlag],
    // Outcome reports are answered (close() sends one); the flag download never is.
    metricsIntervalMs: 3_600_000,
    fetch: (input) =>
      String(input).endsWith("/api/sdk/metrics")
        ? Promise.resolve(new Response('{"accepted":2}', { status: 202 }))
        : new Promise<Response>(() => {}),
  });
  let sdkOn = 0;
  for (let u = 0; u < USERS; u++)
    if (
      client.isEnabled("new-checkout", plainContexts[u]) !==
      store.evaluate("new-checkout", plainContexts[u]!, false).value
    )
      throw new Error("sdk/node and sdk/core disagree");
    else if (client.isEnabled("new-checkout", plainContexts[u])) sdkOn++;
  if (Math.abs(sdkOn / USERS - 0.1) > 0.005) throw new Error("sdk/node is not evaluating the 10% flag");
  const a2 = measure("(a) core FlagStore.evaluate, again, next to (e)", coreBoolean);
  const e1 = measure("(e) sdk/node isEnabled, boolean, 10% rollout", (n) => {
    let on = 0;
    for (let i = 0, u = 0; i < n; i++, u = u === USERS - 1 ? 0 : u + 1)
      if (client.isEnabled("new-checkout", plainContexts[u])) on++;
    return on;
  });
  const b2 = measure("(b) core FlagStore.evaluate, again, next to (e)", coreTargeted);
  const e2 = measure("(e) sdk/node getValue, 3 rules + 3 weighted variants", (n) => {
    let sum = 0;
    for (let i = 0, u = 0; i < n; i++, u = u === USERS - 1 ? 0 : u + 1)
      sum += client.getValue("pricing-page", richContexts[u], "current").length;
    return sum;
  });
  if (e1.checksum !== a.checksum || e2.checksum !== b.checksum)
    throw new Error("sdk/node and sdk/core disagree");
  const e3 = measure("(e) sdk/node observe, 10% rollout, ok + duration", (n) => {
    for (let i = 0, u = 0; i < n; i++, u = u === USERS - 1 ? 0 : u + 1)
      client.observe("new-checkout", plainContexts[u], { ok: (i & 63) !== 0, durationMs: i & 255 });
    return n;
  });
  const work = () => 1;
  const e4 = measure("(e) sdk/node wrap, 10% rollout, a synchronous fn", (n) => {
    let sum = 0;
    for (let i = 0, u = 0; i < n; i++, u = u === USERS - 1 ? 0 : u + 1)
      sum += client.wrap("new-checkout", plainContexts[u], work);
    return sum;
  });
  const stats = client.metricsStats();
  await client.close();
  const sent = client.metricsStats();
  if (stats.pending === 0 || sent.sent !== stats.pending || sent.dropped !== 0)
    throw new Error(`observe/wrap did not count every outcome: ${JSON.stringify({ stats, sent })}`);
  console.log(
    `    observe over isEnabled: ${(e3.medianNs / e1.medianNs).toFixed(2)}×, wrap ${(e4.medianNs / e1.medianNs).toFixed(2)}× ` +
      `(${sent.sent.toLocaleString("en")} outcomes counted, one report on close)`,
  );
  const overhead = (x: Measurement, y: Measurement) => `${((x.medianNs / y.medianNs - 1) * 100).toFixed(1)}%`;
  console.log(
    `    sdk/node over core: isEnabled ${overhead(e1, a2)}, getValue ${overhead(e2, b2)}   goal ≤ 10%`,
  );
  return [e1, e2];
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${USERS.toLocaleString("en")} distinct users, median of runs\n`);
  const a = measure("(a) core FlagStore.evaluate, boolean, 10% rollout", coreBoolean);
  const b = measure("(b) core FlagStore.evaluate, 3 rules + 3 weighted variants", coreTargeted);

  const { unleash, errors } = await startUnleash();
  const unleashContexts: Context[] = richContexts.map((c) => ({
    userId: c.userId,
    properties: { country: c.country },
  }));
  // Unleash must evaluate the real flag: its decisions must be the core's (same users at 10%).
  let unleashOn = 0;
  let disagreements = 0;
  for (let u = 0; u < USERS; u++) {
    const enabled = unleash.isEnabled("new-checkout", unleashContexts[u]);
    if (enabled) unleashOn++;
    if (enabled !== store.evaluate("new-checkout", plainContexts[u]!, false).value) disagreements++;
    if (enabled !== unleash.isEnabled("new-checkout-constrained", unleashContexts[u])) disagreements++;
  }
  const share = unleashOn / USERS;
  console.log(
    `    unleash-client serves its bootstrap: ${(share * 100).toFixed(2)}% enabled, ` +
      `${disagreements} disagreements with the core, ${errors.length} error events`,
  );
  if (Math.abs(share - 0.1) > 0.005 || disagreements > 0)
    throw new Error("unleash-client is not evaluating the 10% flag");

  const c1 = measure("(c) unleash-client isEnabled, 10% gradual rollout", (n) => {
    let on = 0;
    for (let i = 0, u = 0; i < n; i++, u = u === USERS - 1 ? 0 : u + 1)
      if (unleash.isEnabled("new-checkout", unleashContexts[u])) on++;
    return on;
  });
  const c2 = measure("(c) unleash-client isEnabled, same + 1 constraint", (n) => {
    let on = 0;
    for (let i = 0, u = 0; i < n; i++, u = u === USERS - 1 ? 0 : u + 1)
      if (unleash.isEnabled("new-checkout-constrained", unleashContexts[u])) on++;
    return on;
  });
  unleash.destroy();

  const hashKeys = userIds.map((id) => `new-checkout:${id}`);
  const d1 = measure("(d) murmurhash package v3(string), TextEncoder per call", (n) => {
    let sum = 0;
    for (let i = 0, u = 0; i < n; i++, u = u === USERS - 1 ? 0 : u + 1)
      sum += murmurhash.v3(hashKeys[u]!, 0) & 0xff;
    return sum;
  });
  const d2 = measure("(d) sdk/core murmur3, UTF-8 into a kept buffer", (n) => {
    let sum = 0;
    for (let i = 0, u = 0; i < n; i++, u = u === USERS - 1 ? 0 : u + 1)
      sum += murmur3(hashKeys[u]!, 0) & 0xff;
    return sum;
  });
  if (d1.checksum !== d2.checksum) throw new Error("murmur3 and the murmurhash package disagree");

  await nodeSdkBenchmarks(a, b);

  const f1 = measure(
    "(f) core, prerequisite + 2 segment rules (10k ids, conditions)",
    coreFlag("segmented", richContexts),
  );
  const f2 = measure("(f) core, a chain of 3 prerequisites", coreFlag("chain-3", plainContexts));
  const f3 = measure("(f) core, a regex rule on an email", coreFlag("staff-regex", emailContexts));
  // The answers must be the configured ones, or the rows measure something else.
  const shareOn = (key: string, contexts: ReadonlyArray<Record<string, unknown>>) =>
    coreFlag(key, contexts)(USERS) / USERS;
  const shares = {
    segmented: shareOn("segmented", richContexts),
    chain: shareOn("chain-3", plainContexts),
    regex: shareOn("staff-regex", emailContexts),
  };
  console.log(
    `    (f) served true: segmented ${(shares.segmented * 100).toFixed(1)}%, chain-3 ${(shares.chain * 100).toFixed(1)}%, regex ${(shares.regex * 100).toFixed(1)}%  checksums ${f1.checksum} ${f2.checksum} ${f3.checksum}`,
  );
  if (Math.abs(shares.chain - 0.1) > 0.01) throw new Error("chain-3 is not at 10% behind its chain");
  if (shares.regex < 0.2 || shares.regex > 0.25) throw new Error("the regex rule is not matching 1 in 7");
  if (shares.segmented < 0.15) throw new Error("the segment rules are not matching");

  const ratio = (x: Measurement, y: Measurement) =>
    `${(x.medianNs / y.medianNs).toFixed(3)} (1/${(y.medianNs / x.medianNs).toFixed(1)})`;
  console.log("");
  console.log(`core/unleash, 10% rollout:             ${ratio(a, c1)}   goal ≤ 1/8`);
  console.log(`core rules/unleash with constraint:    ${ratio(b, c2)}`);
  console.log(`murmur3/murmurhash package:            ${ratio(d2, d1)}`);
  console.log(`core prerequisite + segments/unleash:  ${ratio(f1, c1)}   goal ≤ 1/8`);
  console.log(`core 3 prerequisites/unleash:          ${ratio(f2, c1)}   goal ≤ 1/8`);
  console.log(`core regex rule/unleash:               ${ratio(f3, c1)}`);
}

await main();
