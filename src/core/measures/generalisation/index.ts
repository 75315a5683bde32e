/**
 * Bayes generalisation error against n (run.ts), on the data and models of data.ts, with the
 * predictive of predictive.ts and the reference λ of reference.ts: what the CLI and the app import.
 */

export { type GenModelSpec, mlpMaxPoints, polyDataset } from './data';
export { exactReference, type GenReference, polyLambda } from './reference';
export {
  GeneralisationCancelled,
  type GeneralisationConfig,
  type GenPoint,
  type GenResult,
  runGeneralisation,
  validateGeneralisation,
} from './run';
