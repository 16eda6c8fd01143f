import type { AppSpec } from '../constructs/model/app-spec';
import { backoffice } from './backoffice';
import { legacySite } from './legacy-site';
import { shop } from './shop';

/** Every app the platform knows. A cluster picks from these by name in clusters/<env>/cluster.ts. */
export const APPS: readonly AppSpec[] = [legacySite, shop, backoffice];
