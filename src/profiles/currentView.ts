import type { CurrentDataset, CurrentFeature } from "../checks/Check.js";
import { ValueKind } from "../records/valueType.js";
import type { DatasetProfile } from "./DatasetProfile.js";
import { inferredType } from "./toStatistics.js";

/**
 * The read side of a window's profile, as the checks take it. `distribution` and `categories` are
 * computed when a check first reads them (a feature's categories are sorted counts of up to
 * category_cap texts, read only for features the baseline has as String), then kept.
 */
export function currentView(profile: DatasetProfile): CurrentDataset {
  const features: CurrentFeature[] = [];
  for (const f of profile.features.values()) {
    let categories: CurrentFeature["categories"] | undefined;
    features.push({
      name: f.name,
      inferred_type: inferredType(f.kinds),
      num_present: f.numPresent,
      num_missing: profile.itemCount - f.numPresent,
      integral: f.kinds[ValueKind.Integral] as number,
      fractional: f.kinds[ValueKind.Fractional] as number,
      boolean: f.kinds[ValueKind.Boolean] as number,
      string: f.kinds[ValueKind.String] as number,
      get distribution() {
        return f.moments.count > 0 ? f.kll.toDistribution() : undefined;
      },
      get categories() {
        if (categories === undefined) {
          const summary = f.categorySummary();
          categories = { buckets: summary.buckets, total: summary.total, exact: summary.exact, unlisted: summary.unlisted };
        }
        return categories;
      },
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
