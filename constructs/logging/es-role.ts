/** An Elasticsearch role as the file realm's roles file writes it: cluster and index privileges, and Kibana's. */
export interface EsRole {
  readonly cluster: readonly string[];
  readonly indices: readonly { readonly names: readonly string[]; readonly privileges: readonly string[] }[];
  /** Kibana's feature privileges. */
  readonly applications?: readonly { readonly application: string; readonly privileges: readonly string[]; readonly resources: readonly string[] }[];
}
