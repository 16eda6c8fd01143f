import { TerraformElement, TerraformOutput, TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { KeyUse } from './encryption-key';
import { outputMetadataOf } from './stack-json';

/*
 * One app's part of its cluster's Terraform, kept between runs (synth/synth-cloud.ts), so that an app's
 * arrival or departure builds that app's constructs and the shared ones, not a thousand apps' again. An
 * app's constructs name the shared resources by their fixed addresses only (references.ts), so a part stays
 * right while its app and the cluster's settings do; the shared resources that name every app (the keys'
 * policies) are told the part's key uses instead; the audit trail names the cluster's bucket prefix, not each
 * app's bucket.
 */

/** What one app adds to its cluster's Terraform: plain data. */
export interface AppCloudPart {
  /** Its share of the Terraform JSON: its resources and outputs, and its outputs' entries under `//`. */
  readonly terraform: Record<string, unknown>;
  /** The uses of the app-data key that its roles and user name, in order. */
  readonly dataKeyUses: readonly KeyUse[];
  /** The uses of the near backup bucket's key that its backup and restore roles name, in order. */
  readonly backupKeyUses: readonly KeyUse[];
}

/** An app's part as the stack builds it: its constructs, before the stack's JSON exists. */
export interface BuiltAppPart {
  readonly constructs: IConstruct[];
  dataKeyUses: readonly KeyUse[];
  backupKeyUses: readonly KeyUse[];
}

type Json = Record<string, unknown>;

/** Each built part as kept: its elements' share read from the stack's JSON, with its key uses and bucket. */
export function keptPartsOf(built: ReadonlyMap<string, BuiltAppPart>, json: Json): Map<string, AppCloudPart> {
  return new Map(
    [...built].map(([app, part]) => {
      const resources: Record<string, Json> = {};
      const outputs: Json = {};
      const outputEntries: Json[] = [];
      for (const element of part.constructs.flatMap((c) => c.node.findAll()).filter((c) => TerraformElement.isTerraformElement(c))) {
        // What stackJsonOf() would add of it elsewhere in the JSON (an override's metadata) a kept part would lack.
        if (Object.values(element.toMetadata()).some((v) => v !== undefined))
          throw new Error(`${element.node.path}: an app's part of the Terraform may not override, import or move`);
        if (TerraformResource.isTerraformResource(element)) {
          const type = element.terraformResourceType;
          (resources[type] ??= {})[element.friendlyUniqueId] = (json.resource as Record<string, Json>)[type][element.friendlyUniqueId];
        } else if (TerraformOutput.isTerraformOutput(element)) {
          outputs[element.friendlyUniqueId] = (json.output as Json)[element.friendlyUniqueId];
          outputEntries.push(outputMetadataOf(element));
        } else throw new Error(`${element.node.path}: an app's part of the Terraform may hold resources and outputs only`);
      }
      const terraform: Json = { resource: resources };
      if (outputEntries.length > 0) Object.assign(terraform, { output: outputs, '//': { outputs: mergedOutputEntries(outputEntries) } });
      const shared = { dataKeyUses: part.dataKeyUses, backupKeyUses: part.backupKeyUses };
      // Kept as written: a later run takes them as they are, where a token would mean nothing.
      if (JSON.stringify(shared).includes('TfToken['))
        throw new Error(`app ${app}: its key uses must name resources by written-out references (references.ts)`);
      return [app, { terraform, ...shared }];
    }),
  );
}

/** Outputs' `//` entries, nested by construct path, merged into one. */
function mergedOutputEntries(entries: readonly Json[]): Json {
  const merge = (into: Json, from: Json): Json => {
    for (const [key, value] of Object.entries(from))
      into[key] = typeof value === 'object' && typeof into[key] === 'object' ? merge(into[key] as Json, value as Json) : value;
    return into;
  };
  return entries.reduce((into, entry) => merge(into, entry), {});
}
