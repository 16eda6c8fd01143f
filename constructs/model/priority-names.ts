/** The gateway and the platform's controllers outrank every app: under pressure, apps are evicted first. */
export const PLATFORM_PRIORITY = 'platform-critical';
export const APP_PRIORITY = 'webapp';
