import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { prod } from './prod/cluster';
import { staging } from './staging/cluster';

/** Every cluster that synth builds, in a fixed order. */
export const CLUSTERS: readonly ClusterSpec[] = [staging, prod];
