import type { CurrentDataset, CurrentFeature } from "../checks/Check.js";
import { ValueKind } from "../records/valueType.js";
import type { DatasetProfile } from "./DatasetProfile.js";
import { inferredType } from "./toStatistics.js";

/** The read side of a window's profile, as the checks take it. */
export function currentView(profile: DatasetProfile): CurrentDataset {
  const features: CurrentFeature[] = [];
  for (const f of profile.features.values()) {
    const summary = f.categorySummary();
    features.push({
      name: f.name,
      inferred_type: inferredType(f.kinds),
      num_present: f.numPresent,
      num_missing: profile.itemCount - f.numPresent,
      integral: f.kinds[ValueKind.Integral] as number,
      fractional: f.kinds[ValueKind.Fractional] as number,
      boolean: f.kinds[ValueKind.Boolean] as number,
      string: f.kinds[ValueKind.String] as number,
      distribution: f.moments.count > 0 ? f.kll.toDistribution() : undefined,
      categories: { buckets: summary.buckets, total: summary.total, exact: summary.exact, unlisted: summary.unlisted },
    });
  }
  const np = profile.notProfiled;
  if (np.values === 0 || profile.limit === undefined) return { item_count: profile.itemCount, features };
  return {
    item_count: profile.itemCount,
    features,
    not_profiled: { values: np.values, distinct_names: np.distinctNames(), max_features: profile.limit.maxFeatures },
  };
}
