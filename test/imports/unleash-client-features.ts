/**
 * What unleash-client is bootstrapped with for one environment: the export turned into the client
 * API's shape (`GET /api/client/features`), the way Unleash's server serves it. Kept apart from
 * the import's own code on purpose: it is the reference the imported flags are compared with.
 */
import type { UnleashExportInput } from "../../server/imports/unleash-export.js";

export function clientFeaturesOf(data: UnleashExportInput, environment: string) {
  const features = data.features
    .filter((f) => !f.archived)
    .map((f) => {
      const fe = data.featureEnvironments?.find(
        (e) => e.featureName === f.name && e.environment === environment,
      );
      const strategies = data.featureStrategies
        .filter(
          (s) =>
            s.featureName === f.name && (s.environment ?? environment) === environment && s.disabled !== true,
        )
        .sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0))
        .map((s) => ({
          name: s.name,
          parameters: s.parameters ?? {},
          constraints: s.constraints ?? [],
          segments: s.segments ?? [],
          variants: s.variants ?? [],
        }));
      const dependencies = data.dependencies?.find((d) => d.feature === f.name)?.dependencies;
      return {
        name: f.name,
        type: f.type,
        enabled: fe?.enabled ?? false,
        stale: false,
        impressionData: false,
        strategies,
        variants: fe?.variants ?? [],
        ...(dependencies ? { dependencies } : {}),
      };
    });
  const segments = (data.segments ?? []).map((s) => ({
    id: s.id,
    name: s.name,
    constraints: s.constraints ?? [],
  }));
  return { features, segments };
}
