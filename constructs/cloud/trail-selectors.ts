/* What a CloudTrail trail's advanced event selectors record of the S3 objects, read from the Terraform JSON the way
   CloudTrail reads them, and how many values they hold: what the trail rules ask. */

import { bucketArnResolver } from './s3-grants';
import { asList, type Json, type TerraformJson } from './terraform-json';

/** The operators of a field selector, as the AWS provider writes them. */
const INCLUDING = ['equals', 'starts_with', 'ends_with'] as const;
const EXCLUDING = ['not_equals', 'not_starts_with', 'not_ends_with'] as const;

/**
 * How many values a trail's advanced event selectors hold: every value of every operator of every field
 * selector. CloudTrail allows at most 500 on a trail, across all its advanced event selectors, and the quota
 * cannot be raised (CloudTrail User Guide, Quotas in AWS CloudTrail: "If a trail uses advanced event selectors,
 * a maximum of 500 total values for all conditions in all advanced event selectors is allowed. This quota cannot
 * be increased."; PutEventSelectors refuses more with InvalidEventSelectorsException).
 */
export const TRAIL_SELECTOR_VALUES_MAX = 500;
export const selectorValueCountOf = (trail: Json): number =>
  (asList(trail.advanced_event_selector) as Json[])
    .flatMap((selector) => asList(selector.field_selector) as Json[])
    .reduce((count, field) => count + [...INCLUDING, ...EXCLUDING].reduce((n, op) => n + asList(field[op]).length, 0), 0);

/** How much of a bucket's objects a trail records the reads and writes of. */
export type Recorded = 'all' | 'some' | 'none';

const fieldOf = (selector: Json, name: string): Json => (asList(selector.field_selector) as Json[]).find((f) => f.field === name);

/**
 * How much of each bucket's objects the trail's data event selectors record. A selector records an event when
 * every one of its field selectors matches it; within a field selector, the including operators are OR'd, the
 * excluding ones AND'd, and the two groups AND'd (CloudTrail User Guide, Filtering data events by using advanced
 * event selectors); an event is recorded when any selector records it. An object's ARN is
 * `arn:aws:s3:::<bucket>/<key>`; a value may name a bucket of the stack by its Terraform reference.
 */
export function recordedObjectsOf(json: TerraformJson, trail: Json): (bucket: string) => Recorded {
  const resolve = bucketArnResolver(json);
  const selectors = (asList(trail.advanced_event_selector) as Json[]).filter(
    (s) => asList(fieldOf(s, 'eventCategory')?.equals).includes('Data') && asList(fieldOf(s, 'resources.type')?.equals).includes('AWS::S3::Object'),
  );
  return (bucket) => {
    const objects = `arn:aws:s3:::${bucket}/`;
    const verdicts = selectors.map((selector): Recorded => {
      // Another field (readOnly, eventName) records some events of an object only.
      const narrowed = (asList(selector.field_selector) as Json[]).some((f) => !['eventCategory', 'resources.type', 'resources.ARN'].includes(f.field));
      const arn = fieldOf(selector, 'resources.ARN');
      const values = (op: string): string[] => (asList(arn?.[op]) as string[]).map(resolve);
      // The including group: every object when a starts_with is a prefix of the bucket's objects (or there is none).
      const including = INCLUDING.some((op) => values(op).length > 0);
      const allIn = !including || values('starts_with').some((v) => objects.startsWith(v));
      const someIn =
        allIn ||
        values('starts_with').some((v) => v.startsWith(objects)) ||
        values('equals').some((v) => v.startsWith(objects)) ||
        values('ends_with').length > 0;
      // The excluding group: one that leaves every object out, or some of them.
      const allOut = values('not_starts_with').some((v) => objects.startsWith(v));
      const someOut =
        allOut ||
        values('not_starts_with').some((v) => v.startsWith(objects)) ||
        values('not_equals').some((v) => v.startsWith(objects)) ||
        values('not_ends_with').length > 0;
      if (!someIn || allOut) return 'none';
      return allIn && !someOut && !narrowed ? 'all' : 'some';
    });
    return verdicts.includes('all') ? 'all' : verdicts.includes('some') ? 'some' : 'none';
  };
}
