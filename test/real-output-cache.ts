/** The variable that names the file holding the real clusters' output, built once per test run. */
export const REAL_OUTPUT_CACHE_ENV = 'WEBAPP_PLATFORM_REAL_OUTPUT';
/** The same for the fixture clusters (test/fixtures/specs). */
export const FIXTURE_OUTPUT_CACHE_ENV = 'WEBAPP_PLATFORM_FIXTURE_OUTPUT';
