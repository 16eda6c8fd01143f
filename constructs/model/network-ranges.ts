/** Address ranges the network policies name, in one place. */

/** Private and link-local ranges (node metadata included) that traffic to the internet must never reach. */
export const NON_PUBLIC_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];
/** The EKS Pod Identity agent on every node: the only way a pod gets AWS credentials. */
export const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;
