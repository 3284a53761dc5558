/**
 * Facts from SageMaker's real 2024 baselining job (ScottReidux/aai-540 at 0279d5d, not vendored:
 * the repository has no licence; test/sagemaker/SOURCES.md): the distinct values of two of its
 * String columns, in the order SageMaker listed their categorical buckets, and the value of its
 * constant `event_time` column. SageMaker printed distinct_count 53 for the 54 states and 86 for
 * the 83 counties.
 */
/** `state` buckets of the 2024 job, in SageMaker's order. */
export const STATES = [
  "New Mexico", "Connecticut", "California", "Nevada", "Hawaii", "Washington", "Florida",
  "South Carolina", "Virgin Islands", "Montana", "Delaware", "Arkansas", "Alaska", "Texas",
  "Tennessee", "Puerto Rico", "Minnesota", "Utah", "Georgia", "Missouri", "South Dakota",
  "Wisconsin", "Maine", "Oklahoma", "North Dakota", "Pennsylvania", "Nebraska", "North Carolina",
  "Virginia", "Massachusetts", "Alabama", "Mississippi", "New York", "Indiana", "New Hampshire",
  "Kentucky", "Ohio", "Illinois", "Wyoming", "New Jersey", "Vermont", "West Virginia", "Kansas",
  "Maryland", "Unknown", "Iowa", "Arizona", "Louisiana", "Rhode Island", "Colorado", "Michigan",
  "Oregon", "Idaho", "District of Columbia",
];

/** `county` buckets of the 2024 job, in SageMaker's order. */
export const COUNTIES = [
  "Multnomah", "Pima", "San Francisco", "Richmond", "Denton", "Parker", "Clay", "King", "Washington",
  "Jefferson", "Tulsa", "Adams", "Platte", "Tarrant", "Santa Clara", "Clark", "Delaware", "Douglas",
  "Bexar", "Virginia Beach", "Williamson", "Osage", "Fairfield", "Durham", "Alameda", "Fort Bend",
  "San Diego", "Johnson", "Miami-Dade", "Wyandotte", "Oklahoma", "Creek", "Queens", "Pinal",
  "Maricopa", "Sedgwick", "Collin", "El Paso", "Los Angeles", "Milwaukee", "Travis", "Madera",
  "Hamilton", "Denver", "New York", "Cobb", "Philadelphia", "Franklin", "Mecklenburg",
  "Anne Arundel", "Shelby", "Orleans", "Fresno", "Hendricks", "Dallas", "Davidson", "Jackson",
  "Hancock", "Bernalillo", "Hays", "Fulton", "Bullitt", "Nassau", "Hennepin", "Marion", "Kings",
  "Cook", "Duval", "Anoka", "Baltimore", "Harris", "Bronx", "DeKalb", "Unknown", "Oldham", "Sarpy",
  "Canadian", "Cleveland", "St. Johns", "Wake", "Sacramento", "District of Columbia", "Wayne",
];

export const EVENT_TIME = "2024-10-27T17:39:31Z";
