// What the sandbox's DNS server answers from: the hosted zones' record sets (sandbox/route53/model.ts keeps
// them; the DNS server only reads) and where each load balancer's name points on loopback.

/** One resource record set as Route 53 holds it. Names are lower-case, fully qualified, with the trailing dot. */
export interface DnsRecordSet {
  name: string;
  type: 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'NS' | 'SOA';
  /** Absent on alias records: Route 53 uses the alias target's TTL (60 s for an ELB). */
  ttl?: number;
  setIdentifier?: string;
  /** Weighted routing: 0–255. */
  weight?: number;
  values: string[];
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  healthCheckId?: string;
}

export interface RecordSource {
  /** Every record set of `name` (any type) in the hosted zone that holds it; [] when none. */
  recordSets(name: string): DnsRecordSet[];
  /** True when a hosted zone is authoritative for `name` (then an empty answer is NOERROR/NXDOMAIN, not a refusal). */
  isAuthoritative(name: string): boolean;
  /** The loopback address a load balancer's DNS name resolves to (an alias target), if the sandbox has it. */
  loadBalancerAddress(dnsName: string): string | undefined;
  /** Route 53's view of a health check: undefined when the record has none. */
  healthCheckHealthy?(healthCheckId: string): boolean | undefined;
  /**
   * The health of an alias record's target when the record has `evaluateTargetHealth` (for an ELB: whether it has
   * healthy targets); undefined, or no such method, counts as healthy.
   */
  aliasTargetHealthy?(alias: { hostedZoneId: string; dnsName: string }): boolean | undefined;
}
