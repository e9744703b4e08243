import { z } from "@hono/zod-openapi";

// An Unleash feature export (Unleash ≥ 4.22, `POST /api/admin/features-batch/export`), read
// leniently: the fields the import uses are checked, everything else is allowed and ignored, so
// an export from a newer Unleash still reads. Segments in Unleash's export carry only id and
// name; add their `constraints` (from `GET /api/admin/segments`) to import strategies that use them.

const Constraint = z.looseObject({
  contextName: z.string().min(1),
  operator: z.string(),
  values: z.array(z.string()).optional(),
  value: z.string().optional(),
  inverted: z.boolean().optional(),
  caseInsensitive: z.boolean().optional(),
});

const Payload = z.looseObject({ type: z.string(), value: z.string() });

const Variant = z.looseObject({
  name: z.string().min(1),
  weight: z.number(),
  weightType: z.string().optional(),
  stickiness: z.string().optional(),
  payload: Payload.optional(),
  overrides: z.array(z.looseObject({ contextName: z.string(), values: z.array(z.string()) })).optional(),
});

const Strategy = z.looseObject({
  name: z.string(),
  id: z.string().optional(),
  featureName: z.string(),
  environment: z.string().optional(),
  title: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  constraints: z.array(Constraint).optional(),
  variants: z.array(Variant).optional(),
  segments: z.array(z.number()).optional(),
  disabled: z.boolean().nullable().optional(),
  sortOrder: z.number().optional(),
});

export const UnleashExport = z
  .looseObject({
    features: z.array(
      z.looseObject({
        name: z.string(),
        type: z.string().optional(),
        description: z.string().nullable().optional(),
        archived: z.boolean().optional(),
        impressionData: z.boolean().optional(),
      }),
    ),
    featureStrategies: z.array(Strategy),
    featureEnvironments: z
      .array(
        z.looseObject({
          featureName: z.string(),
          environment: z.string(),
          enabled: z.boolean(),
          variants: z.array(Variant).optional(),
        }),
      )
      .optional(),
    featureTags: z
      .array(z.looseObject({ featureName: z.string(), tagType: z.string().optional(), tagValue: z.string() }))
      .optional(),
    segments: z
      .array(z.looseObject({ id: z.number(), name: z.string(), constraints: z.array(Constraint).optional() }))
      .optional(),
    dependencies: z
      .array(
        z.looseObject({
          feature: z.string(),
          dependencies: z.array(
            z.looseObject({
              feature: z.string(),
              enabled: z.boolean().optional(),
              variants: z.array(z.string()).optional(),
            }),
          ),
        }),
      )
      .optional(),
  })
  .openapi("UnleashExport", { description: "An Unleash feature export (features-batch/export)" });

export type UnleashExportInput = z.infer<typeof UnleashExport>;
export type UnleashConstraint = z.infer<typeof Constraint>;
export type UnleashStrategy = z.infer<typeof Strategy>;
export type UnleashVariant = z.infer<typeof Variant>;
