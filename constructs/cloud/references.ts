import type { TerraformResource } from 'cdktf';
import { ref } from './terraform-json';

/**
 * `${<type>.<address>.<attribute>}`: a reference to an attribute of a resource of this stack, written out.
 * It is the text that CDKTF's token for `resource.<attribute>` resolves to (TerraformResource's
 * interpolationForAttribute in cdktf 0.21.0 builds it the same way), so Terraform reads the same reference
 * and orders the same dependency. CDKTF makes a new token for each read of an attribute and resolves it at
 * each use: tens of thousands at a thousand apps. The constructs made once per app take their references
 * here. Like CDKTF's tokens, take one after the resource's address is final (overrideLogicalId).
 */
export const referenceTo = (resource: TerraformResource, attribute: string): string =>
  ref(resource.terraformResourceType, resource.friendlyUniqueId, attribute);

/**
 * `<type>.<address>`: how `depends_on` names a resource of this stack, written out. It is what CDKTF makes
 * of a `dependsOn` entry (cdktf 0.21.0: TerraformResource's constructor wraps each in a dependable token,
 * tfExpression.ts, whose resolve() gives the resource's fqn token, resolved without braces): two tokens per
 * dependency, each resolved at each use. Assign these to `resource.dependsOn` once the addresses are final.
 */
export const dependencyOn = (resource: TerraformResource): string => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
