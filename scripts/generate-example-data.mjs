#!/usr/bin/env node
// Generates the bundled example training dataset (examples/data/training.csv): a synthetic,
// churn-style table with the label first (SageMaker's convention: output columns first), integral,
// fractional and categorical features, and some missing values. Seeded: the same bytes every run.
//   node scripts/generate-example-data.mjs [rows] > examples/data/training.csv
import { COLUMNS, makeRow, mulberry32 } from "./exampleModel.mjs";

const rows = Number(process.argv[2] ?? 5000);
const rand = mulberry32(42);
const out = [COLUMNS.join(",")];
for (let i = 0; i < rows; i++) out.push(makeRow(rand).join(","));
process.stdout.write(`${out.join("\n")}\n`);
