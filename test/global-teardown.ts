import { removeRunTempDir } from './run-temp-dir';

/** The run's temp folder holds all the run made, the built clusters of globalSetup included. */
export default async function globalTeardown(): Promise<void> {
  removeRunTempDir();
}
