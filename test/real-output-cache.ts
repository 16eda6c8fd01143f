/** The variable that names the file holding the real clusters' output, built once per test run. */
export const REAL_OUTPUT_CACHE_ENV = 'WEBAPP_PLATFORM_REAL_OUTPUT';
